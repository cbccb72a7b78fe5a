//! The grammar of figures: what a figure counts, what it is compared with, and what it is broken
//! down into, read from the shape of a sentence rather than from its phrases.
//!
//! A sentence becomes tokens (words, figures, years, money, punctuation, each with its bracket
//! depth and clause), each figure a [`Quantity`] (its counted noun, the words that qualify it, the
//! verb that governs it, the year it is placed in), and then:
//! - [`FigComparison`]: a comparison marker ("compared with", "a decrease from", "up from", a
//!   bracketed "(10 in 2019)") with the figures of the current side, the figures after it grouped
//!   by the period they name (the first group is the previous period; later groups, a chain of
//!   earlier years), and the pairs of figures compared, matched by counted noun and position;
//! - [`Breakdown`]: a whole and its parts ("30 cases (16 for ..., five for ..., and nine
//!   undetermined)", "including", "of whom", an appositive list, "Of the N ...", "This
//!   included ..."), and whether the list says it is complete ("unknown", "other").
//!
//! The engine knows word classes only: prepositions, determiners, quantifiers, breakdown openers
//! and the rest come from `rules/claims.yaml` (`grammar`). Everything here is linear in the
//! sentence: each token is visited a bounded number of times.

use std::collections::HashSet;
use std::ops::Range;

use serde::Deserialize;

use super::rules::PatternCompiler;
use super::Trend;
use crate::pattern::Pattern;

// ---------------------------------------------------------------------------------------------
// The YAML.

/// `grammar` in claims.yaml: the word classes the figure reader knows. Entries are words or
/// phrases of words, matched case-insensitively word by word.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct GrammarYaml {
    /// Words that end the noun phrase after a figure and link it to what follows ("30 cases in
    /// 2020", "15 victims of trafficking").
    #[serde(default)]
    prepositions: Vec<String>,
    /// Words that join phrases ("and", "or").
    #[serde(default)]
    conjunctions: Vec<String>,
    /// Words that open a noun phrase ("the", "its").
    #[serde(default)]
    determiners: Vec<String>,
    /// Verbs and pronouns that are not what a figure counts ("597 were new cases").
    #[serde(default)]
    auxiliaries: Vec<String>,
    /// Words before a figure that qualify it ("at least", "an estimated").
    #[serde(default)]
    quantifiers: Vec<String>,
    /// After a comma, a word that opens a new clause ("..., and the government also ...").
    #[serde(default)]
    clause_openers: Vec<String>,
    /// Words that open a breakdown of the figure before them ("including", "of whom").
    #[serde(default)]
    breakdown_openers: Vec<String>,
    /// Verbs that break down their subject ("The 13 victims included ...").
    #[serde(default)]
    breakdown_verbs: Vec<String>,
    /// Nouns of time: a figure that counts them is a duration ("six months", "10 years").
    #[serde(default)]
    time_units: Vec<String>,
    /// Nouns that count the same kind of thing, one list per kind ("victims", "individuals",
    /// "suspects" all count people): figures of one kind can be compared.
    #[serde(default)]
    noun_classes: Vec<Vec<String>>,
    /// Sentence openings that give the whole of the breakdown that follows ("Of the 40").
    #[serde(default)]
    whole_openers: Vec<String>,
    /// Sentence openings that break down the first figure of the sentence before ("This
    /// included").
    #[serde(default)]
    continuation_openers: Vec<String>,
    /// Words in a part that say the list is complete ("unknown", "unspecified", "other").
    #[serde(default)]
    exhaustive: Vec<String>,
    /// A part that is the rest of the whole ("the other", "the remaining").
    #[serde(default)]
    remainder: Vec<String>,
    /// Words that state a figure of zero where a figure would be ("none", "no").
    #[serde(default)]
    zero: Vec<String>,
    /// Prepositions that place a figure in a year ("in 2020", "during 2019").
    #[serde(default)]
    year_prepositions: Vec<String>,
    /// Wording that makes years a range, not a comparison ("between 2015 and 2018").
    #[serde(default)]
    ranges: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Compiled.

type Phrase = Vec<String>;

/// The word classes, compiled.
#[derive(Debug)]
pub struct Grammar {
    prepositions: HashSet<String>,
    conjunctions: HashSet<String>,
    determiners: HashSet<String>,
    auxiliaries: HashSet<String>,
    quantifiers: Vec<Phrase>,
    clause_openers: HashSet<String>,
    breakdown_openers: Vec<Phrase>,
    breakdown_verbs: Vec<Phrase>,
    time_units: HashSet<String>,
    /// Stems of the nouns of each kind.
    noun_classes: Vec<HashSet<String>>,
    whole_openers: Vec<Phrase>,
    continuation_openers: Vec<Phrase>,
    exhaustive: Vec<Phrase>,
    remainder: Vec<Phrase>,
    zero: HashSet<String>,
    year_prepositions: HashSet<String>,
    ranges: Vec<Pattern>,
}

fn phrases(list: &[String]) -> Vec<Phrase> {
    let mut out: Vec<Phrase> = list
        .iter()
        .map(|p| p.split_whitespace().map(str::to_lowercase).collect())
        .filter(|p: &Phrase| !p.is_empty())
        .collect();
    // Longest first, so "at least" wins over "at".
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out
}

fn words(list: &[String]) -> HashSet<String> {
    list.iter().map(|w| w.to_lowercase()).collect()
}

impl Grammar {
    pub(crate) fn compile(
        y: &GrammarYaml,
        c: &mut PatternCompiler<'_>,
        stem: &dyn Fn(&str) -> String,
    ) -> Grammar {
        let ranges = y
            .ranges
            .iter()
            .enumerate()
            .filter_map(|(i, p)| c.compile(&format!("grammar.ranges[{i}]"), p))
            .collect();
        Grammar {
            prepositions: words(&y.prepositions),
            conjunctions: words(&y.conjunctions),
            determiners: words(&y.determiners),
            auxiliaries: words(&y.auxiliaries),
            quantifiers: phrases(&y.quantifiers),
            clause_openers: words(&y.clause_openers),
            breakdown_openers: phrases(&y.breakdown_openers),
            breakdown_verbs: phrases(&y.breakdown_verbs),
            time_units: words(&y.time_units),
            noun_classes: y
                .noun_classes
                .iter()
                .map(|class| class.iter().map(|w| stem(&w.to_lowercase())).collect())
                .collect(),
            whole_openers: phrases(&y.whole_openers),
            continuation_openers: phrases(&y.continuation_openers),
            exhaustive: phrases(&y.exhaustive),
            remainder: phrases(&y.remainder),
            zero: words(&y.zero),
            year_prepositions: words(&y.year_prepositions),
            ranges,
        }
    }

    /// Two noun stems count the same kind of thing.
    fn same_kind(&self, a: &str, b: &str) -> bool {
        a == b
            || self
                .noun_classes
                .iter()
                .any(|class| class.contains(a) && class.contains(b))
    }

    fn function_word(&self, w: &str) -> bool {
        self.prepositions.contains(w)
            || self.conjunctions.contains(w)
            || self.determiners.contains(w)
            || self.auxiliaries.contains(w)
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    /// A figure that can count something.
    Number,
    /// A year (1900-2099 in digits).
    Year,
    /// A local amount with its dollar equivalent, read by the money pattern.
    Money,
    /// A figure that is not a count: a share ("10 percent") or a reference ("Article 128").
    Other,
    /// A currency sign ("$", "€").
    Currency,
    Comma,
    Semicolon,
    Colon,
    Open,
    Close,
    Dash,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Kind,
    /// Absolute byte span in the draft.
    pub span: Range<usize>,
    /// Lowercase text (words).
    pub lower: String,
    pub value: f64,
    /// Bracket depth (0 outside brackets).
    pub depth: u16,
    pub clause: u16,
}

/// A figure of a sentence found before tokenizing, with what it is.
#[derive(Debug, Clone)]
pub struct Span {
    pub span: Range<usize>,
    pub kind: Kind,
    pub value: f64,
}

// ---------------------------------------------------------------------------------------------
// What the grammar reads.

/// A figure and what it counts.
#[derive(Debug, Clone)]
pub struct Quantity {
    pub value: f64,
    /// The figure (for money, the whole amount with its currency and dollars).
    pub span: Range<usize>,
    pub token: usize,
    /// The stem of the counted noun ("victim" for "potential victims of trafficking").
    pub noun: Option<String>,
    /// Stems of the words between the figure and its noun ("potential").
    pub modifiers: Vec<String>,
    /// The stems of the verbs (or action nouns) that may govern it: "investig" for
    /// "investigated 30 cases", "nine cases investigated" and "investigations into 30 cases";
    /// a participle after the noun ("nine cases related to ...") and the verb before the figure
    /// ("investigating nine cases") are both kept.
    pub actions: Vec<String>,
    pub money: bool,
    /// The year it is placed in ("30 cases in 2020").
    pub year: Option<i32>,
    /// The token after its noun phrase.
    pub end: usize,
    /// It is a part of a breakdown.
    pub part: bool,
    /// It counts time ("six months", "10 years"): a duration, not a count of anything compared
    /// or broken down.
    pub duration: bool,
    /// A zero stated in words where a figure would be ("compared with none", "no
    /// prosecutions"); read only right after a comparison marker.
    pub stated_zero: bool,
    /// It is the rest of a group ("the other four victims"), not a total.
    pub rest: bool,
}

/// One period group after a comparison marker: its figures and the period it names.
#[derive(Debug, Clone, Default)]
pub struct PeriodGroup {
    pub quantities: Vec<usize>,
    /// The year it names, with its span.
    pub year: Option<(i32, Range<usize>)>,
    /// It names the previous period in words ("the previous reporting period").
    pub period_words: bool,
    /// Absolute span of the group.
    pub span: Range<usize>,
}

/// A comparison: figures now, the marker, and the figures of earlier periods.
#[derive(Debug, Clone)]
pub struct FigComparison {
    pub marker: Range<usize>,
    pub trend: Option<Trend>,
    /// A bracketed previous figure ("17 investigations (10 in 2017)").
    pub bracketed: bool,
    /// Quantities of the current side (top level, not parts).
    pub current: Vec<usize>,
    /// The first group is the previous period; later ones are a chain of earlier periods.
    pub groups: Vec<PeriodGroup>,
    /// (current, previous) quantity pairs, matched by counted noun and position. Empty when the
    /// pairing is ambiguous.
    pub pairs: Vec<(usize, usize)>,
    /// The year the current side names ("In 2020, ...", "30 cases in 2020").
    pub current_year: Option<i32>,
    /// The first group's year lies in a range ("between 2016 and 2018").
    pub year_in_range: bool,
    /// Absolute span of everything after the marker that belongs to it.
    pub after: Range<usize>,
}

impl FigComparison {
    pub fn previous(&self) -> Option<&PeriodGroup> {
        self.groups.first()
    }
}

/// A whole and its parts.
#[derive(Debug, Clone)]
pub struct Breakdown {
    /// The whole; `None` for the first figure of the sentence before ("This included ...").
    pub whole: Option<usize>,
    pub parts: Vec<usize>,
    /// The list says it is complete ("unknown", "other"): the parts must add up to the whole.
    pub exhaustive: bool,
    /// A part without a figure is the rest ("and the other unknown"): the figures must add up
    /// to less than the whole.
    pub remainder: bool,
    /// For "These victims included ...": the stem of the subject's noun, which must be the
    /// noun of the figure it breaks down.
    pub subject: Option<String>,
    /// Each part's words, from its figure to the end of its item ("71 were foreign nationals").
    pub items: Vec<Range<usize>>,
    /// The parts are listed after their whole (in brackets, between dashes, after "including"):
    /// they are no figures of their own to compare. Subsets stated as figures of their own ("Of
    /// the 105 referrals, ... 59 individuals", "1,269 of whom") are not listed.
    pub listed: bool,
}

/// Everything the grammar reads in one sentence.
#[derive(Debug, Clone, Default)]
pub struct SentenceFigures {
    pub tokens: Vec<Token>,
    pub quantities: Vec<Quantity>,
    pub comparisons: Vec<FigComparison>,
    pub breakdowns: Vec<Breakdown>,
    /// The year the sentence opens with ("In 2020, ...").
    pub sentence_year: Option<i32>,
}

/// Where a figure stands in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// After a comparison marker, in its first period group.
    Previous,
    /// After a comparison marker, in a later group (a chain of earlier years).
    Earlier,
}

impl SentenceFigures {
    /// The side of a comparison an absolute offset is on, if any.
    pub fn side_at(&self, at: usize) -> Option<Side> {
        for c in &self.comparisons {
            if !(c.after.start <= at && at < c.after.end) {
                continue;
            }
            for (i, g) in c.groups.iter().enumerate() {
                if g.span.start <= at && at < g.span.end {
                    return Some(if i == 0 {
                        Side::Previous
                    } else {
                        Side::Earlier
                    });
                }
            }
            return Some(Side::Previous);
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// Read one sentence. `st` is the sentence, `base` its absolute offset, `spans` the figures,
/// years and money already found in it (absolute), `markers` the comparison markers (absolute,
/// with their trend), `period_words` the spans that name the previous period in words, and
/// `previous_first` the first current figure of the sentence before (for "This included").
pub fn read(
    g: &Grammar,
    st: &str,
    base: usize,
    spans: &[Span],
    markers: &[(Range<usize>, Option<Trend>)],
    period_words: &[Range<usize>],
    stem: &dyn Fn(&str) -> String,
) -> SentenceFigures {
    let tokens = tokenize(g, st, base, spans);
    let mut f = SentenceFigures {
        tokens,
        ..SentenceFigures::default()
    };
    f.sentence_year = sentence_year(g, &f.tokens);
    quantities(g, &mut f, period_words, stem);
    breakdowns(g, &mut f, stem);
    comparisons(g, &mut f, st, base, markers, period_words);
    f
}

fn tokenize(g: &Grammar, st: &str, base: usize, spans: &[Span]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut spans: Vec<&Span> = spans.iter().collect();
    spans.sort_by_key(|s| (s.span.start, std::cmp::Reverse(s.span.end)));
    let mut next_span = spans.into_iter().peekable();
    let mut depth: u16 = 0;
    let mut i = 0;
    let bytes = st.as_bytes();
    while i < st.len() {
        let abs = base + i;
        // A figure found before: skip any that start before here (overlaps).
        while next_span.peek().is_some_and(|s| s.span.start < abs) {
            next_span.next();
        }
        if let Some(s) = next_span.peek().filter(|s| s.span.start == abs) {
            out.push(Token {
                kind: s.kind,
                span: s.span.clone(),
                lower: String::new(),
                value: s.value,
                depth,
                clause: 0,
            });
            i = s.span.end - base;
            next_span.next();
            continue;
        }
        let Some(ch) = st[i..].chars().next() else {
            break;
        };
        let len = ch.len_utf8();
        let punct = match ch {
            ',' => Some(Kind::Comma),
            ';' => Some(Kind::Semicolon),
            ':' => Some(Kind::Colon),
            '(' | '[' => Some(Kind::Open),
            ')' | ']' => Some(Kind::Close),
            '—' | '–' => Some(Kind::Dash),
            c if is_currency_sign(c) => Some(Kind::Currency),
            _ => None,
        };
        if let Some(kind) = punct {
            if kind == Kind::Close {
                depth = depth.saturating_sub(1);
            }
            out.push(Token {
                kind,
                span: abs..abs + len,
                lower: String::new(),
                value: 0.0,
                depth,
                clause: 0,
            });
            if kind == Kind::Open {
                depth = depth.saturating_add(1);
            }
            i += len;
            continue;
        }
        if ch.is_alphabetic() {
            // A word: letters, marks, apostrophes and inner hyphens.
            let mut end = i + len;
            while end < st.len() {
                let Some(c) = st[end..].chars().next() else {
                    break;
                };
                let inner = (c == '\'' || c == '’' || c == '-')
                    && st[end + c.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphabetic);
                if c.is_alphanumeric() || inner {
                    end += c.len_utf8();
                } else {
                    break;
                }
            }
            // A figure found before may start inside what looks like a word: stop there.
            if let Some(s) = next_span.peek() {
                if s.span.start < base + end {
                    end = s.span.start - base;
                }
            }
            if end > i {
                out.push(Token {
                    kind: Kind::Word,
                    span: abs..base + end,
                    lower: st[i..end].to_lowercase(),
                    value: 0.0,
                    depth,
                    clause: 0,
                });
                i = end;
                continue;
            }
        }
        // A hyphen between spaces is a dash too (" - ").
        if ch == '-' && i > 0 && bytes.get(i - 1) == Some(&b' ') && bytes.get(i + 1) == Some(&b' ')
        {
            out.push(Token {
                kind: Kind::Dash,
                span: abs..abs + 1,
                lower: String::new(),
                value: 0.0,
                depth,
                clause: 0,
            });
        }
        i += len;
    }
    // Clauses: a semicolon at the top level, or a comma before a clause opener that is not
    // followed by a figure (", and the government ...", not ", and 449 cases").
    let mut clause: u16 = 0;
    for k in 0..out.len() {
        let t = &out[k];
        let new_clause = match t.kind {
            Kind::Semicolon => t.depth == 0,
            // ", and the government also investigated ...": an opener, then a new subject; not
            // ", and 449 cases", ", and conviction of three traffickers" (the last of a list of
            // noun phrases) or ", and convicted 55 traffickers" (the last of a list of verb
            // phrases of one subject).
            Kind::Comma if t.depth == 0 => out.get(k + 1).is_some_and(|n| {
                n.kind == Kind::Word
                    && g.clause_openers.contains(&n.lower)
                    && out.get(k + 2).is_some_and(|m| {
                        m.kind == Kind::Word
                            && !starts_phrase(g, &out, k + 2, &g.quantifiers)
                            && !g.zero.contains(&m.lower)
                            && !starts_phrase(g, &out, k + 2, &g.remainder)
                            && (g.determiners.contains(&m.lower)
                                || g.auxiliaries.contains(&m.lower))
                    })
            }),
            _ => false,
        };
        if new_clause {
            clause = clause.saturating_add(1);
        }
        out[k].clause = clause;
    }
    out
}

/// A currency sign: Unicode's currency symbols ("$", "€", "₦").
fn is_currency_sign(c: char) -> bool {
    matches!(c, '$' | '¢' | '£' | '¤' | '¥' | '\u{20A0}'..='\u{20CF}')
}

/// The length of the phrase of `list` that starts at token `i`, if one does.
fn phrase_at(tokens: &[Token], i: usize, list: &[Phrase]) -> Option<usize> {
    list.iter()
        .find(|p| {
            p.iter().enumerate().all(|(k, w)| {
                tokens
                    .get(i + k)
                    .is_some_and(|t| t.kind == Kind::Word && &t.lower == w)
            })
        })
        .map(Vec::len)
}

fn starts_phrase(_g: &Grammar, tokens: &[Token], i: usize, list: &[Phrase]) -> bool {
    phrase_at(tokens, i, list).is_some()
}

/// The length of the phrase of `list` that ends just before token `end`, if one does.
fn phrase_before(tokens: &[Token], end: usize, list: &[Phrase]) -> Option<usize> {
    list.iter()
        .find(|p| {
            p.len() <= end
                && p.iter().enumerate().all(|(k, w)| {
                    let t = &tokens[end - p.len() + k];
                    t.kind == Kind::Word && &t.lower == w
                })
        })
        .map(Vec::len)
}

/// "In 2020, ..." / "During 2019, ...": the year the sentence opens with.
fn sentence_year(g: &Grammar, tokens: &[Token]) -> Option<i32> {
    let first = tokens.first()?;
    if first.kind == Kind::Word && g.year_prepositions.contains(&first.lower) {
        let t = tokens.get(1)?;
        if t.kind == Kind::Year {
            return Some(t.value as i32);
        }
    }
    None
}

fn quantities(
    g: &Grammar,
    f: &mut SentenceFigures,
    period_words: &[Range<usize>],
    stem: &dyn Fn(&str) -> String,
) {
    let tokens = &f.tokens;
    for (i, t) in tokens.iter().enumerate() {
        let zero = t.kind == Kind::Word && g.zero.contains(&t.lower);
        if !matches!(t.kind, Kind::Number | Kind::Money) && !zero {
            continue;
        }
        let mut q = quantity(
            g,
            tokens,
            i,
            period_words,
            stem,
            t.value,
            t.kind == Kind::Money,
        );
        q.stated_zero = zero;
        f.quantities.push(q);
    }
}

/// The quantity whose figure is token `i`.
fn quantity(
    g: &Grammar,
    tokens: &[Token],
    i: usize,
    period_words: &[Range<usize>],
    stem: &dyn Fn(&str) -> String,
    value: f64,
    money: bool,
) -> Quantity {
    let t = &tokens[i];
    // The noun phrase after the figure: content words up to a function word or punctuation.
    let mut words: Vec<usize> = Vec::new();
    let mut j = i + 1;
    if !money {
        while let Some(w) = tokens.get(j) {
            // Words that name a period ("57 assisted last reporting period") end it too.
            let names_period = period_words
                .iter()
                .any(|p| p.start <= w.span.start && w.span.start < p.end);
            if w.kind != Kind::Word || g.function_word(&w.lower) || words.len() >= 6 || names_period
            {
                break;
            }
            words.push(j);
            j += 1;
        }
    }
    let mut post_action = None;
    // "nine traffickers prosecuted", "12 convicted": a participle at the end is the verb.
    if let Some(&last) = words.last() {
        if tokens[last].lower.ends_with("ed") {
            post_action = Some(stem(&tokens[last].lower));
            words.pop();
        }
    }
    // Adverbs at the end ("12 respectively") are no noun.
    while let Some(&last) = words.last() {
        if tokens[last].lower.ends_with("ly") {
            words.pop();
        } else {
            break;
        }
    }
    let noun = words.last().map(|&k| stem(&tokens[k].lower));
    let modifiers = words
        .iter()
        .take(words.len().saturating_sub(1))
        .map(|&k| stem(&tokens[k].lower))
        .collect();
    // "30 cases in 2020": the year it is placed in.
    let year = match (tokens.get(j), tokens.get(j + 1)) {
        (Some(p), Some(y))
            if p.kind == Kind::Word
                && g.year_prepositions.contains(&p.lower)
                && y.kind == Kind::Year =>
        {
            Some(y.value as i32)
        }
        _ => None,
    };
    // The verb before: skip quantifiers and determiners, then one linking preposition
    // ("investigations into 30 cases", "services to 24 victims").
    let mut k = i;
    loop {
        if let Some(n) = phrase_before(tokens, k, &g.quantifiers) {
            k -= n;
            continue;
        }
        if k > 0 && tokens[k - 1].kind == Kind::Word && g.determiners.contains(&tokens[k - 1].lower)
        {
            k -= 1;
            continue;
        }
        break;
    }
    if k > 0 && tokens[k - 1].kind == Kind::Word && g.prepositions.contains(&tokens[k - 1].lower) {
        k -= 1;
        while k > 0
            && tokens[k - 1].kind == Kind::Word
            && g.determiners.contains(&tokens[k - 1].lower)
        {
            k -= 1;
        }
    }
    let pre_action = (k > 0)
        .then(|| &tokens[k - 1])
        .filter(|w| w.kind == Kind::Word && !g.function_word(&w.lower))
        .map(|w| stem(&w.lower));
    Quantity {
        value,
        span: t.span.clone(),
        token: i,
        noun,
        modifiers,
        actions: post_action.into_iter().chain(pre_action).collect(),
        money,
        year,
        end: j,
        part: false,
        duration: words
            .first()
            .is_some_and(|&w| g.time_units.contains(&tokens[w].lower)),
        stated_zero: false,
        rest: phrase_before(tokens, i, &g.remainder).is_some(),
    }
}

// ---------------------------------------------------------------------------------------------
// Breakdowns.

fn breakdowns(g: &Grammar, f: &mut SentenceFigures, stem: &dyn Fn(&str) -> String) {
    let n = f.tokens.len();
    let mut found: Vec<Breakdown> = Vec::new();
    let push = |found: &mut Vec<Breakdown>, b: Breakdown| {
        if !found
            .iter()
            .any(|o| o.whole == b.whole && o.parts == b.parts)
        {
            found.push(b);
        }
    };
    for w in 0..f.quantities.len() {
        let q = &f.quantities[w];
        if q.stated_zero || q.duration {
            continue;
        }
        let depth = f.tokens[q.token].depth;
        let mut k = q.end;
        // Skip a year placement ("30 cases in 2020").
        if q.year.is_some() {
            k += 2;
        }
        // And an "of" complement before a bracket or dash ("27,877 potential victims of
        // transnational trafficking (14,770 men and ...)").
        if f.tokens
            .get(k)
            .is_some_and(|t| t.kind == Kind::Word && t.lower == "of")
        {
            let mut e = k + 1;
            while f.tokens.get(e).is_some_and(|t| t.kind == Kind::Word) && e - k <= 5 {
                e += 1;
            }
            if f.tokens
                .get(e)
                .is_some_and(|t| matches!(t.kind, Kind::Open | Kind::Dash))
            {
                k = e;
            }
        }
        // The whole must be one figure, not one of several joined by "and" ("199 victims and
        // NGOs an additional five victims (127 ... and 77 ...)"): the parts may be of them all.
        if coordinated(g, f, w) {
            continue;
        }
        // "(16 for sex trafficking, five for forced labor, and nine undetermined)", "—275 adult
        // females, 351 girls, and 227 boys—", each optionally opened by "including".
        if let Some(t) = f
            .tokens
            .get(k)
            .filter(|t| matches!(t.kind, Kind::Open | Kind::Dash))
        {
            let end = if t.kind == Kind::Open {
                End::Bracket
            } else {
                End::Dash
            };
            let inner = if t.kind == Kind::Open {
                depth + 1
            } else {
                depth
            };
            let mut start = k + 1;
            if let Some(len) = phrase_at(&f.tokens, start, &g.breakdown_openers) {
                start += len;
            }
            if let Some(b) = list(g, f, Some(w), start, inner, end, false) {
                push(&mut found, b);
                continue;
            }
            // A bracket that is no breakdown (an acronym, a previous figure): look past it.
            if t.kind == Kind::Open {
                k = close_of(&f.tokens, k).map_or(n, |c| c + 1);
            }
        }
        // A prepositional phrase may come between the whole and its opener ("convicted 10
        // traffickers under the 2005 law, including ..."), not a figure or a clause.
        let mut after = k;
        if f.tokens
            .get(after)
            .is_some_and(|t| t.kind == Kind::Word && g.prepositions.contains(&t.lower))
        {
            let mut e = after + 1;
            while f.tokens.get(e).is_some_and(|t| {
                matches!(t.kind, Kind::Word | Kind::Year)
                    && t.clause == f.tokens[q.token].clause
                    && e - after <= 8
            }) {
                e += 1;
            }
            if f.tokens.get(e).is_some_and(|t| t.kind == Kind::Comma)
                && phrase_at(&f.tokens, e + 1, &g.breakdown_openers).is_some()
            {
                after = e;
            }
        }
        let comma = f.tokens.get(after).is_some_and(|t| t.kind == Kind::Comma);
        let after_comma = if comma { after + 1 } else { after };
        let is_part = found.iter().any(|b| b.parts.contains(&w));
        // "including 26 children", ", of whom 12 were girls"; "The 13 victims included ..."
        let opener = phrase_at(&f.tokens, after_comma, &g.breakdown_openers).or_else(|| {
            (!comma)
                .then(|| phrase_at(&f.tokens, after_comma, &g.breakdown_verbs))
                .flatten()
        });
        if let Some(len) = opener {
            if let Some(b) = list(g, f, Some(w), after_comma + len, depth, End::Clause, false) {
                push(&mut found, b);
                continue;
            }
        }
        // The constructions below follow a figure that is no part of a list itself.
        if !comma || is_part {
            continue;
        }
        // ", at least 1,269 of whom were female": a figure, then the opener.
        let mut s = after_comma;
        if let Some(len) = phrase_at(&f.tokens, s, &g.quantifiers) {
            s += len;
        }
        if f.tokens.get(s).is_some_and(|t| t.kind == Kind::Number)
            && phrase_at(&f.tokens, s + 1, &g.breakdown_openers).is_some()
        {
            if let Some(p) = f
                .quantities
                .iter()
                .position(|p| p.token == s && !p.duration)
            {
                push(
                    &mut found,
                    Breakdown {
                        whole: Some(w),
                        parts: vec![p],
                        exhaustive: false,
                        remainder: false,
                        subject: None,
                        items: vec![item_span(f, p)],
                        listed: false,
                    },
                );
                continue;
            }
        }
        // An appositive list of parts without a noun of their own: ", one for sex trafficking,
        // two for sex and labor trafficking, and the other unknown" (two parts at least).
        if let Some(b) = list(g, f, Some(w), after_comma, depth, End::Clause, true) {
            if b.parts.len() + usize::from(b.remainder) >= 2 {
                push(&mut found, b);
            }
        }
    }
    // "Of the 40 victims, 25 were women and 15 were girls."
    if let Some(len) = phrase_at(&f.tokens, 0, &g.whole_openers) {
        if let Some(w) = f
            .quantities
            .iter()
            .position(|q| q.token == len && !q.duration)
        {
            let clause = f.tokens[len].clause;
            let comma =
                (len..n).find(|&k| f.tokens[k].kind == Kind::Comma && f.tokens[k].depth == 0);
            if let Some(comma) = comma {
                let listed = list(g, f, Some(w), comma + 1, 0, End::Clause, false);
                let b = listed.or_else(|| {
                    // "Of the 348, the police identified 285 and NGOs 63": the figures of the
                    // clause that are no parts of another.
                    let parts: Vec<usize> = f
                        .quantities
                        .iter()
                        .enumerate()
                        .filter(|(i, q)| {
                            q.token > comma
                                && !q.stated_zero
                                && !q.duration
                                && f.tokens[q.token].depth == 0
                                && f.tokens[q.token].clause == clause
                                && q.money == f.quantities[w].money
                                && q.year.is_none()
                                && !found.iter().any(|b| b.parts.contains(i))
                        })
                        .map(|(i, _)| i)
                        .collect();
                    let items = parts.iter().map(|&p| item_span(f, p)).collect();
                    (!parts.is_empty()).then_some(Breakdown {
                        whole: Some(w),
                        parts,
                        exhaustive: false,
                        remainder: false,
                        subject: None,
                        items,
                        listed: false,
                    })
                });
                // "Of the 105 referrals, ... 59 individuals": subsets that are figures of
                // their own.
                if let Some(mut b) = b {
                    b.listed = false;
                    push(&mut found, b);
                }
            }
        }
    }
    // "This included ...", "The victims identified included ...": the parts of the first
    // figure of the sentence before (a subject without a figure, then a breakdown verb).
    // The subject is a determiner and one noun, perhaps with a participle ("These victims",
    // "The victims identified"): a subject with modifiers ("The labor trafficking victims") is a
    // group of its own, not the figure before.
    let mut subject = None;
    let continuation = phrase_at(&f.tokens, 0, &g.continuation_openers).or_else(|| {
        let first = f.tokens.first()?;
        if first.kind != Kind::Word || !g.determiners.contains(&first.lower) {
            return None;
        }
        let noun = f
            .tokens
            .get(1)
            .filter(|t| t.kind == Kind::Word && !g.function_word(&t.lower))?;
        let mut k = 2;
        if f.tokens.get(k).is_some_and(|t| {
            t.kind == Kind::Word
                && t.lower.ends_with("ed")
                && phrase_at(&f.tokens, k, &g.breakdown_verbs).is_none()
        }) {
            k += 1;
        }
        let len = phrase_at(&f.tokens, k, &g.breakdown_verbs)?;
        subject = Some(stem(&noun.lower));
        Some(k + len)
    });
    if let Some(start) = continuation {
        if let Some(mut b) = list(g, f, None, start, 0, End::Clause, false) {
            b.subject = subject;
            push(&mut found, b);
        }
    }
    for b in found.iter().filter(|b| b.listed) {
        for &p in &b.parts {
            f.quantities[p].part = true;
        }
    }
    f.breakdowns = found;
}

/// The words of a part that stands alone: its figure and noun phrase.
fn item_span(f: &SentenceFigures, p: usize) -> Range<usize> {
    let q = &f.quantities[p];
    let end = f
        .tokens
        .get(q.end.saturating_sub(1))
        .map_or(q.span.end, |t| t.span.end);
    q.span.start..end.max(q.span.end)
}

/// Quantity `w` is the second of two figures joined by "and" ("20 victims and 10 dependents",
/// "199 victims and NGOs an additional five victims"): the conjunction ends the noun phrase of
/// the first, and at most a short subject and quantifiers stand between it and the second.
fn coordinated(g: &Grammar, f: &SentenceFigures, w: usize) -> bool {
    let q = &f.quantities[w];
    let t = &f.tokens;
    f.quantities[..w].iter().any(|o| {
        if o.stated_zero || o.duration || o.money != q.money {
            return false;
        }
        let c = o.end;
        if c >= q.token
            || !t
                .get(c)
                .is_some_and(|x| x.kind == Kind::Word && g.conjunctions.contains(&x.lower))
        {
            return false;
        }
        let mut k = c + 1;
        let mut content = 0;
        while k < q.token {
            let x = &t[k];
            if x.kind != Kind::Word {
                return false;
            }
            if let Some(n) = phrase_at(t, k, &g.quantifiers) {
                k += n;
                continue;
            }
            if !g.determiners.contains(&x.lower) {
                content += 1;
                if content > 2 {
                    return false;
                }
            }
            k += 1;
        }
        k == q.token
    })
}

/// Where a list of parts ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// At the bracket that closes it.
    Bracket,
    /// At the next dash ("—275 adult females, 351 girls, and 227 boys—").
    Dash,
    /// At the end of the clause.
    Clause,
}

/// The token that closes the bracket opened at `open`.
fn close_of(tokens: &[Token], open: usize) -> Option<usize> {
    let depth = tokens.get(open)?.depth;
    (open + 1..tokens.len()).find(|&k| tokens[k].kind == Kind::Close && tokens[k].depth == depth)
}

/// A list of parts of `whole` (or, for `None`, of the first figure of the sentence before)
/// from token `start`: items separated by commas, and by "and" before a figure, each opening
/// with a figure (after a quantifier) or being the rest of the whole ("the other unknown").
/// The list ends where `end` says, or before an item that opens otherwise. `None` when there is
/// no part, when an item names a year (a figure of another period, not a part), is a duration,
/// opens with a currency (a conversion), or, in an `appositive` list, has a noun of its own.
fn list(
    g: &Grammar,
    f: &SentenceFigures,
    whole: Option<usize>,
    start: usize,
    depth: u16,
    end: End,
    appositive: bool,
) -> Option<Breakdown> {
    let tokens = &f.tokens;
    let whole_money = whole.is_some_and(|w| f.quantities[w].money);
    let clause = tokens.get(start)?.clause;
    let mut parts = Vec::new();
    let mut items = Vec::new();
    let mut exhaustive = false;
    let mut remainder = false;
    let mut k = start;
    loop {
        // One item from k.
        let mut s = k;
        if tokens
            .get(s)
            .is_some_and(|t| t.kind == Kind::Word && g.conjunctions.contains(&t.lower))
        {
            s += 1;
        }
        if let Some(len) = phrase_at(tokens, s, &g.quantifiers) {
            s += len;
        }
        let is_rest = phrase_at(tokens, s, &g.remainder);
        let first = tokens.get(s)?;
        if first.kind == Kind::Currency {
            return None;
        }
        let part = if is_rest.is_some() {
            None
        } else if matches!(first.kind, Kind::Number | Kind::Money) && first.depth == depth {
            // "28 of whom were exploited in forced labor": a breakdown of its own begins.
            if !parts.is_empty() && phrase_at(tokens, s + 1, &g.breakdown_openers).is_some() {
                break;
            }
            Some(f.quantities.iter().position(|q| q.token == s)?)
        } else {
            break;
        };
        // The item runs to the next separator at this depth.
        let mut e = s + 1;
        let mut item_exhaustive = false;
        let mut ended = false;
        while let Some(t) = tokens.get(e) {
            if t.depth < depth {
                ended = true;
                break;
            }
            if t.depth == depth {
                match t.kind {
                    Kind::Comma => break,
                    Kind::Dash => {
                        ended = true;
                        break;
                    }
                    Kind::Semicolon | Kind::Colon => {
                        ended = true;
                        break;
                    }
                    // An item in a year is a figure of another period, not a part.
                    Kind::Year => return None,
                    Kind::Word
                        if g.conjunctions.contains(&t.lower)
                            && tokens.get(e + 1).is_some_and(|n| {
                                matches!(n.kind, Kind::Number | Kind::Money)
                                    || phrase_at(tokens, e + 1, &g.remainder).is_some()
                                    || phrase_at(tokens, e + 1, &g.quantifiers).is_some()
                            }) =>
                    {
                        break
                    }
                    Kind::Word => {
                        if phrase_at(tokens, e, &g.exhaustive).is_some() {
                            item_exhaustive = true;
                        }
                        if phrase_at(tokens, e, &g.breakdown_openers).is_some() {
                            // A part broken down further ends the list here.
                            ended = true;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if end == End::Clause && t.clause != clause {
                ended = true;
                break;
            }
            e += 1;
        }
        match part {
            Some(p) => {
                let q = &f.quantities[p];
                if q.money != whole_money || q.year.is_some() || q.duration {
                    return None;
                }
                // In an appositive list a part has no noun of its own ("one for sex
                // trafficking"): "95 victims, 60 women and 35 girls" is more likely a list of
                // groups side by side.
                if appositive && q.noun.is_some() {
                    return None;
                }
                parts.push(p);
                let last = tokens
                    .get(e.saturating_sub(1))
                    .map_or(first.span.end, |t| t.span.end);
                items.push(first.span.start..last.max(first.span.end));
            }
            None => remainder = true,
        }
        exhaustive |= item_exhaustive || is_rest.is_some();
        if ended || e >= tokens.len() {
            if end == End::Dash && tokens.get(e).is_none_or(|t| t.kind != Kind::Dash) {
                // A dash list must close with a dash, or end the sentence.
                if e < tokens.len() {
                    return None;
                }
            }
            break;
        }
        // Past the separator.
        k = if tokens[e].kind == Kind::Comma {
            e + 1
        } else {
            e
        };
    }
    if parts.is_empty() {
        return None;
    }
    Some(Breakdown {
        whole,
        parts,
        exhaustive,
        remainder,
        subject: None,
        items,
        listed: true,
    })
}

// ---------------------------------------------------------------------------------------------
// Comparisons.

fn comparisons(
    g: &Grammar,
    f: &mut SentenceFigures,
    st: &str,
    base: usize,
    markers: &[(Range<usize>, Option<Trend>)],
    period_words: &[Range<usize>],
) {
    let tokens = &f.tokens;
    let n = tokens.len();
    let tok_at = |abs: usize| tokens.iter().position(|t| t.span.start >= abs).unwrap_or(n);
    let ranges: Vec<Range<usize>> = g
        .ranges
        .iter()
        .flat_map(|re| re.find_iter(st).map(|m| base + m.start()..base + m.end()))
        .collect();
    let mut out: Vec<FigComparison> = Vec::new();
    let mut last_after_end: Option<(u16, usize)> = None;
    for (idx, (marker, trend)) in markers.iter().enumerate() {
        let ms = tok_at(marker.start);
        let me = tok_at(marker.end);
        if ms >= n {
            // A marker at the very end ("..., compared with").
            continue;
        }
        let depth = tokens[ms].depth;
        let clause = tokens[me.min(n - 1)].clause;
        // The side after the marker: to the end of its clause, the next marker, or the end of
        // its bracket.
        let next_marker = markers.get(idx + 1).map_or(n, |(m, _)| tok_at(m.start));
        let mut pe = me;
        while pe < n && pe < next_marker {
            let t = &tokens[pe];
            if t.clause != clause || t.depth < depth {
                break;
            }
            pe += 1;
        }
        // The current side: the clause up to the marker (after an earlier comparison of the
        // same clause); when it has no figure, the clause before ("...; compared with ...").
        let clause_start = |c: u16| tokens.iter().position(|t| t.clause == c).unwrap_or(0);
        let mut cs = clause_start(tokens[ms].clause);
        if let Some((c, end)) = last_after_end {
            if c == tokens[ms].clause {
                cs = cs.max(end);
            }
        }
        let candidates = |from: usize| -> Vec<usize> {
            f.quantities
                .iter()
                .enumerate()
                .filter(|(_, q)| {
                    q.token >= from
                        && q.token < ms
                        && !q.part
                        && !q.stated_zero
                        && !q.duration
                        && tokens[q.token].depth == depth
                        && !inside_closed_bracket(tokens, q.token, ms)
                })
                .map(|(i, _)| i)
                .collect()
        };
        let mut current = candidates(cs);
        if current.is_empty() && tokens[ms].clause > 0 && cs == clause_start(tokens[ms].clause) {
            let prev = clause_start(tokens[ms].clause - 1);
            current = candidates(prev);
        }
        let (groups, stop) = period_groups(g, f, me, pe, depth, period_words);
        let pe = stop;
        let mut c = FigComparison {
            marker: marker.clone(),
            trend: *trend,
            bracketed: false,
            current,
            groups,
            pairs: Vec::new(),
            current_year: None,
            year_in_range: false,
            after: tokens
                .get(me)
                .map_or(marker.end, |t| t.span.start)
                .min(marker.end)
                ..tokens
                    .get(pe.saturating_sub(1))
                    .map_or(marker.end, |t| t.span.end)
                    .max(marker.end),
        };
        // "increased from 10 in 2020 to 15": the figure after "to" is the current one.
        if c.current.is_empty() {
            if let Some(first) = c.groups.first() {
                let after_first = first.span.end;
                if let Some(q) = f.quantities.iter().position(|q| {
                    q.span.start >= after_first
                        && q.token >= 1
                        && q.token < pe
                        && tokens[q.token - 1].kind == Kind::Word
                        && tokens[q.token - 1].lower == "to"
                }) {
                    c.current.push(q);
                    for gr in c.groups.iter_mut().skip(1) {
                        gr.quantities.retain(|&x| x != q);
                    }
                }
            }
        }
        finish(g, f, &mut c, &ranges);
        last_after_end = Some((tokens[ms].clause, pe));
        out.push(c);
    }
    // Bracketed previous figures: "initiated 17 investigations (10 in 2017)".
    for (o, t) in tokens.iter().enumerate() {
        if t.kind != Kind::Open {
            continue;
        }
        if out
            .iter()
            .any(|c| c.marker.start <= t.span.start && t.span.start < c.after.end)
        {
            continue;
        }
        let Some(close) = close_of(tokens, o) else {
            continue;
        };
        let inner = t.depth + 1;
        let first = o + 1;
        let starts_with_figure = tokens.get(first).is_some_and(|x| {
            x.kind == Kind::Number || (x.kind == Kind::Word && g.zero.contains(&x.lower))
        });
        if !starts_with_figure {
            continue;
        }
        let names_year = (first..close)
            .any(|k| tokens[k].kind == Kind::Year && tokens[k].depth == inner)
            || period_words
                .iter()
                .any(|p| p.start >= tokens[first].span.start && p.end <= tokens[close].span.start);
        if !names_year {
            continue;
        }
        // The figure it belongs to: the nearest top-level quantity before the bracket, in the
        // same clause.
        let current: Vec<usize> = f
            .quantities
            .iter()
            .enumerate()
            .filter(|(_, q)| {
                q.token < o
                    && tokens[q.token].depth == t.depth
                    && tokens[q.token].clause == t.clause
                    && !q.part
                    && !q.stated_zero
                    && !q.duration
                    && !inside_closed_bracket(tokens, q.token, o)
            })
            .map(|(i, _)| i)
            .next_back()
            .into_iter()
            .collect();
        if current.is_empty() {
            continue;
        }
        let (groups, _) = period_groups(g, f, first, close, inner, period_words);
        let mut c = FigComparison {
            marker: t.span.clone(),
            trend: None,
            bracketed: true,
            current,
            groups,
            pairs: Vec::new(),
            current_year: None,
            year_in_range: false,
            after: tokens[first].span.start..tokens[close].span.start,
        };
        finish(g, f, &mut c, &ranges);
        out.push(c);
    }
    out.sort_by_key(|c| c.marker.start);
    f.comparisons = out;
}

/// A quantity at `q` is inside a bracket that closes before `end`.
fn inside_closed_bracket(tokens: &[Token], q: usize, end: usize) -> bool {
    let d = tokens[q].depth;
    (q + 1..end).any(|k| tokens[k].kind == Kind::Close && tokens[k].depth < d)
        || (q + 1..end).any(|k| tokens[k].depth < d)
}

/// The period groups of the side after a marker (tokens `from..to` at `depth`): figures up to
/// a year or words naming a period close a group; later groups are earlier periods. Also the
/// token where the side ends (once its period is named, a new clause ends it).
fn period_groups(
    g: &Grammar,
    f: &SentenceFigures,
    from: usize,
    to: usize,
    depth: u16,
    period_words: &[Range<usize>],
) -> (Vec<PeriodGroup>, usize) {
    let tokens = &f.tokens;
    let mut groups = Vec::new();
    let mut cur = PeriodGroup::default();
    let mut start = tokens.get(from).map_or(0, |t| t.span.start);
    let mut k = from;
    while k < to {
        let t = &tokens[k];
        let in_words = period_words
            .iter()
            .find(|p| p.start <= t.span.start && t.span.start < p.end);
        // "the same as in 2018, and spent ...": once the period is named, a new clause ends
        // the side.
        if t.kind == Kind::Comma
            && t.depth == depth
            && (cur.year.is_some() || cur.period_words || !groups.is_empty())
            && tokens
                .get(k + 1)
                .is_some_and(|n| n.kind == Kind::Word && g.clause_openers.contains(&n.lower))
        {
            break;
        }
        if t.depth == depth {
            match t.kind {
                Kind::Number | Kind::Money => {
                    if let Some(q) = f
                        .quantities
                        .iter()
                        .position(|q| q.token == k && !q.duration)
                    {
                        cur.quantities.push(q);
                    }
                }
                // "compared with none", "compared to no prosecutions": a zero, right after
                // the marker.
                Kind::Word if k == from && g.zero.contains(&t.lower) => {
                    if let Some(q) = f.quantities.iter().position(|q| q.token == k) {
                        cur.quantities.push(q);
                    }
                }
                Kind::Year => {
                    if cur.year.is_none() {
                        cur.year = Some((t.value as i32, t.span.clone()));
                    }
                    if cur.quantities.is_empty() {
                        k += 1;
                        continue;
                    }
                    cur.span = start..t.span.end;
                    start = t.span.end;
                    groups.push(std::mem::take(&mut cur));
                }
                _ => {}
            }
        }
        if let Some(p) = in_words {
            cur.period_words = true;
            // Skip the words.
            while k + 1 < to && tokens[k + 1].span.start < p.end {
                k += 1;
            }
            if !cur.quantities.is_empty() {
                cur.span = start..p.end;
                start = p.end;
                groups.push(std::mem::take(&mut cur));
            }
        }
        k += 1;
    }
    // The side ends where the reading stopped (a new clause), or at `to`.
    let stop = k.min(to);
    let end = if stop > from {
        tokens[stop - 1].span.end
    } else {
        start
    };
    if !cur.quantities.is_empty() || cur.year.is_some() || cur.period_words || groups.is_empty() {
        cur.span = start..end.max(start);
        groups.push(cur);
    }
    (groups, stop)
}

/// Pairs, the current side's year, and ranges.
fn finish(g: &Grammar, f: &SentenceFigures, c: &mut FigComparison, ranges: &[Range<usize>]) {
    c.current_year = c
        .current
        .last()
        .and_then(|&q| f.quantities[q].year)
        .or(f.sentence_year);
    if let Some((_, span)) = c.previous().and_then(|g| g.year.clone()) {
        c.year_in_range = ranges
            .iter()
            .any(|r| r.start <= span.start && span.end <= r.end);
    }
    let Some(prev) = c.groups.first() else { return };
    let prev: Vec<usize> = prev.quantities.clone();
    if prev.is_empty() || c.current.is_empty() {
        return;
    }
    let qs = &f.quantities;
    // Two figures count the same thing when their nouns agree, when one has none (an
    // elliptical "compared with 482 in 2017"), or when one's noun is the other's modifier
    // ("2,224 potential and 721 confirmed victims" beside "1,305 potential victims").
    let same_thing = |a: &Quantity, b: &Quantity| match (&a.noun, &b.noun) {
        (Some(x), Some(y)) => {
            g.same_kind(x, y)
                || a.modifiers.contains(y)
                || b.modifiers.contains(x)
                || a.actions.contains(y)
                || b.actions.contains(x)
        }
        _ => true,
    };
    let compatible = |a: &Quantity, b: &Quantity| a.money == b.money && same_thing(a, b);
    let current: Vec<usize> = c
        .current
        .iter()
        .copied()
        .filter(|&x| prev.iter().any(|&p| qs[p].money == qs[x].money))
        .collect();
    if current.is_empty() {
        return;
    }
    if prev.len() == 1 {
        let p = &qs[prev[0]];
        // One figure on each side that can count the same thing: they are what is compared.
        if current.len() == 1 {
            if same_thing(&qs[current[0]], p) {
                c.pairs.push((current[0], prev[0]));
            }
            return;
        }
        // The figure of the same noun (and verb, when several), else the nearest one that
        // can count the same thing.
        let strict: Vec<usize> = current
            .iter()
            .copied()
            .filter(|&x| p.noun.is_some() && qs[x].noun == p.noun)
            .collect();
        let chosen = match strict.len() {
            0 => current
                .iter()
                .rev()
                .copied()
                .find(|&x| same_thing(&qs[x], p)),
            1 => Some(strict[0]),
            _ => strict
                .iter()
                .copied()
                .rfind(|&x| p.actions.iter().any(|a| qs[x].actions.contains(a)))
                .or(strict.last().copied()),
        };
        if let Some(x) = chosen {
            c.pairs.push((x, prev[0]));
        }
        return;
    }
    // Several figures: paired lists, by position when the counts agree, else by noun. Two
    // figures in the same place may name their thing differently ("25 suspected perpetrators"
    // and "21 suspected traffickers") as long as neither noun belongs to another place.
    if current.len() >= prev.len() {
        let tail = &current[current.len() - prev.len()..];
        let elsewhere = |x: usize, others: &[usize]| {
            qs[x].noun.as_ref().is_some_and(|n| {
                others
                    .iter()
                    .any(|&o| o != x && qs[o].noun.as_ref() == Some(n))
            })
        };
        let parallel = |a: usize, b: usize| {
            compatible(&qs[a], &qs[b])
                || (qs[a].money == qs[b].money && !elsewhere(a, &prev) && !elsewhere(b, tail))
        };
        if tail.iter().zip(&prev).all(|(&a, &b)| parallel(a, b))
            && tail
                .iter()
                .zip(&prev)
                .any(|(&a, &b)| compatible(&qs[a], &qs[b]))
        {
            c.pairs = tail.iter().copied().zip(prev.iter().copied()).collect();
            return;
        }
    }
    for &p in &prev {
        let pq = &qs[p];
        let Some(noun) = &pq.noun else { continue };
        let same: Vec<usize> = current
            .iter()
            .copied()
            .filter(|&x| qs[x].noun.as_ref() == Some(noun) && qs[x].money == pq.money)
            .collect();
        if same.len() == 1 {
            c.pairs.push((same[0], p));
        }
    }
}
