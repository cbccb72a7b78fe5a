//! The one place that knows about CEL (the `cel` crate, pinned, used as a parser only): compiling
//! rule conditions, walking their syntax tree to find the names they read (CEL has no type
//! checker, so fact paths are validated here), and evaluating them in three-valued logic
//! ([`eval`]) against [`Bindings`] where a fact the facts file does not state is unknown.

mod eval;
pub mod value;

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};
use cel::Program;

pub use value::{Missing, Val};

/// A compiled condition.
#[derive(Debug)]
pub struct Condition {
    pub source: String,
    program: Program,
    /// Every qualified name the condition reads, with its span in `source`.
    pub references: Vec<Reference>,
    /// Every function it calls, with its span in `source`.
    pub calls: Vec<(String, Range<usize>)>,
}

/// A name read by a condition: `prosecution.convictions` -> ["prosecution", "convictions"].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub segments: Vec<String>,
    /// Byte span in the condition's source.
    pub span: Range<usize>,
    /// Read inside `has(...)`: a presence test.
    pub presence_test: bool,
}

impl Reference {
    pub fn dotted(&self) -> String {
        self.segments.join(".")
    }
}

/// A syntax error with its byte span in the condition's source.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
}

/// Functions the engine adds to CEL's standard library (beyond it, a call is an error).
pub const ENGINE_FUNCTIONS: &[&str] = &["streak", "streak_waivers", "streak_at", "stints"];

/// CEL's standard functions and operators that conditions may use.
const STANDARD_FUNCTIONS: &[&str] = &[
    "size",
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "type",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "max",
    "min",
    "exists",
    "all",
    "exists_one",
    "map",
    "filter",
    "has",
    "abs",
];

/// Operators one condition may hold. The parser and the interpreter recurse once per operator
/// of a chain (`a == b == c ...`), so a few thousand would overflow the stack; real conditions
/// hold a few dozen.
pub const MAX_OPERATORS: usize = 500;

impl Condition {
    pub fn compile(source: &str) -> Result<Condition, Vec<SyntaxError>> {
        check_operator_count(source).map_err(|e| vec![e])?;
        let program = Program::compile(source).map_err(|errs| {
            errs.errors
                .iter()
                .map(|e| {
                    let start = line_col_to_byte(source, e.pos.0, e.pos.1);
                    let end = next_token_end(source, start);
                    SyntaxError {
                        message: clean_parse_message(&e.msg),
                        span: start..end,
                    }
                })
                .collect::<Vec<_>>()
        })?;
        let mut walker = Walker {
            source,
            info: program.source_info(),
            references: Vec::new(),
            calls: Vec::new(),
        };
        walker.walk(program.expression(), &mut Vec::new());
        let cost = walker.cost(program.expression());
        if cost.steps > eval::BUDGET as u64 {
            let span = match cost.costliest {
                Some((range, call)) => walker.macro_span(range, call),
                None => 0..source.len(),
            };
            return Err(vec![SyntaxError {
                message: format!(
                    "evaluating this can take {} steps, more than the {} a condition may take",
                    cost.steps,
                    eval::BUDGET
                ),
                span,
            }]);
        }
        let Walker {
            references, calls, ..
        } = walker;
        Ok(Condition {
            source: source.to_string(),
            program,
            references,
            calls,
        })
    }

    /// Evaluate against bindings in three-valued logic: `true`, `false`, or unknown with the
    /// facts it lacks; an error when it cannot be evaluated at all.
    pub fn eval(&self, bindings: &Bindings) -> Result<Verdict, EvalError> {
        let mut interp = eval::Interp::new(bindings);
        let r = interp.eval(self.program.expression());
        if interp.exhausted() {
            return Err(EvalError::Budget(eval::BUDGET));
        }
        match r {
            Ok(Val::Bool(true)) => Ok(Verdict::True),
            Ok(Val::Bool(false)) => Ok(Verdict::False),
            Ok(Val::Unknown(m)) => Ok(Verdict::Unknown(m.paths().cloned().collect())),
            Ok(Val::NotReported(p)) => Ok(Verdict::Unknown(vec![p.to_string()])),
            Ok(other) => Err(EvalError::NotBoolean(other.show())),
            Err(e) => Err(EvalError::Undecidable(e)),
        }
    }

    /// Whether the condition reads `has(...)` of a fact or group of facts (never false under
    /// three-valued evaluation, so a guard that does nothing).
    pub fn presence_tests(&self) -> impl Iterator<Item = &Reference> {
        self.references.iter().filter(|r| r.presence_test)
    }
}

/// The outcome of a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    True,
    False,
    /// Undecided: the outcome depends on these facts, which the facts file does not give
    /// (absent, or `not_reported` where the condition does not test for it).
    Unknown(Vec<String>),
}

/// One year of a country's history: (year, tier, waiver), most recent first.
pub type HistoryYear = (i64, String, bool);

/// (consecutive years immediately before the report year on `tier`, counting only years from
/// `since` on; waivers among them). `history` is most recent first.
pub fn streak(history: &[HistoryYear], report_year: i64, tier: &str, since: i64) -> (i64, i64) {
    let mut expected = report_year - 1;
    let (mut years, mut waivers) = (0, 0);
    for (year, t, waiver) in history {
        if *year != expected || t != tier || *year < since {
            break;
        }
        years += 1;
        if *waiver {
            waivers += 1;
        }
        expected -= 1;
    }
    (years, waivers)
}

/// Consecutive years on `tier` ending with `year` (included), counting only years from `since`.
pub fn streak_at(history: &[HistoryYear], tier: &str, year: i64, since: i64) -> i64 {
    let from = history
        .iter()
        .position(|h| h.0 <= year)
        .unwrap_or(history.len());
    streak(&history[from..], year + 1, tier, since).0
}

/// A run of consecutive years on one tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stint {
    pub tier: String,
    pub years: i64,
    pub first: i64,
    pub last: i64,
}

/// The unbroken history before the report year as runs on one tier, most recent first; it ends
/// at the first missing year, and years before `since` are left out.
pub fn stints(history: &[HistoryYear], report_year: i64, since: i64) -> Vec<Stint> {
    let mut out: Vec<Stint> = Vec::new();
    let mut expected = report_year - 1;
    for (year, tier, _) in history {
        if *year != expected || *year < since {
            break;
        }
        match out.last_mut() {
            Some(s) if &s.tier == tier => {
                s.years += 1;
                s.first = *year;
            }
            _ => out.push(Stint {
                tier: tier.clone(),
                years: 1,
                first: *year,
                last: *year,
            }),
        }
        expected -= 1;
    }
    out
}

/// Why a condition could not be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// A type mismatch, a missing key, an index out of range.
    Undecidable(String),
    /// It evaluated to something other than `true` or `false`.
    NotBoolean(String),
    /// It took more steps than a condition may (a comprehension over a list the facts make
    /// long); its result is not used.
    Budget(usize),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Undecidable(e) => write!(f, "cannot be evaluated: {}", e.to_lowercase()),
            EvalError::NotBoolean(v) => write!(f, "is not `true` or `false` but `{v}`"),
            EvalError::Budget(n) => write!(f, "takes more than {n} steps to evaluate"),
        }
    }
}

/// The variables a condition sees, plus the history the engine functions read. Built once per
/// facts file; decision stages rebind the variables they add.
#[derive(Debug, Clone)]
pub struct Bindings {
    vars: HashMap<String, Val>,
    history: Arc<Vec<HistoryYear>>,
    report_year: i64,
}

impl Bindings {
    /// `history` is (year, tier, waiver), most recent first.
    pub fn new(history: Vec<HistoryYear>, report_year: i64) -> Self {
        Self {
            vars: HashMap::new(),
            history: Arc::new(history),
            report_year,
        }
    }

    /// Bind (or rebind) a top-level variable.
    pub fn set(&mut self, name: &str, value: Val) {
        self.vars.insert(name.to_string(), value);
    }

    /// Bind a variable from JSON-like data.
    pub fn set_json(&mut self, name: &str, value: &serde_json::Value) {
        self.set(name, Val::from_json(value));
    }
}

struct Walker<'a> {
    source: &'a str,
    info: &'a cel::common::ast::SourceInfo,
    references: Vec<Reference>,
    calls: Vec<(String, Range<usize>)>,
}

impl Walker<'_> {
    fn span_of(&self, id: u64) -> Range<usize> {
        match self.info.offset_for(id) {
            Some((s, e)) => {
                let s = char_to_byte(self.source, s as usize);
                // The parser's stop offset is inclusive.
                let e = char_to_byte(self.source, e as usize + 1).max(s);
                s..e
            }
            None => 0..0,
        }
    }

    /// The qualified name an expression spells: identifiers, field selections and string-literal
    /// indexing (`criteria['b1'].status`).
    fn name_of(&self, e: &IdedExpr) -> Option<(Vec<String>, Range<usize>)> {
        match &e.expr {
            Expr::Ident(name) => Some((vec![name.clone()], self.span_of(e.id))),
            Expr::Select(sel) if !sel.test => {
                let (mut segs, span) = self.name_of(&sel.operand)?;
                segs.push(sel.field.clone());
                let end = self.span_of(e.id).end.max(span.end);
                let end = self.extend_over_field(end, &sel.field);
                Some((segs, span.start..end))
            }
            Expr::Call(call)
                if call.func_name == "_[_]" && call.target.is_none() && call.args.len() == 2 =>
            {
                let (mut segs, span) = self.name_of(&call.args[0])?;
                if let Expr::Literal(LiteralValue::String(s)) = &call.args[1].expr {
                    segs.push(s.to_string());
                    let end = self.span_of(call.args[1].id).end.max(span.end);
                    let end = self.source[end..].find(']').map_or(end, |i| end + i + 1);
                    Some((segs, span.start..end))
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Offsets of a select node may stop at the dot: make the span cover the field name.
    fn extend_over_field(&self, end: usize, field: &str) -> usize {
        let rest = &self.source[end.min(self.source.len())..];
        if let Some(i) = rest.find(field) {
            if rest[..i]
                .trim_matches(|c: char| c == '.' || c.is_whitespace())
                .is_empty()
            {
                return end + i + field.len();
            }
        }
        end
    }

    fn walk(&mut self, e: &IdedExpr, bound: &mut Vec<String>) {
        if let Some((segs, span)) = self.name_of(e) {
            if !bound.contains(&segs[0]) {
                self.references.push(Reference {
                    segments: segs,
                    span,
                    presence_test: false,
                });
            }
            // Index arguments that are not literals still need walking.
            if let Expr::Call(call) = &e.expr {
                for a in &call.args[1..] {
                    self.walk(a, bound);
                }
            }
            return;
        }
        match &e.expr {
            Expr::Select(sel) => {
                // A presence test `has(a.b)`: the tested name is a reference too.
                if let Some((mut segs, span)) = self.name_of(&sel.operand) {
                    segs.push(sel.field.clone());
                    let end = self.extend_over_field(span.end, &sel.field);
                    if !bound.contains(&segs[0]) {
                        self.references.push(Reference {
                            segments: segs,
                            span: span.start..end,
                            presence_test: sel.test,
                        });
                    }
                } else {
                    self.walk(&sel.operand, bound);
                }
            }
            Expr::Call(call) => {
                if !call.func_name.starts_with('_')
                    && !call.func_name.starts_with('@')
                    && call.func_name != "!_"
                    && call.func_name != "-_"
                {
                    let span = self.span_of(e.id);
                    self.calls.push((call.func_name.clone(), span));
                }
                if let Some(t) = &call.target {
                    self.walk(t, bound);
                }
                for a in &call.args {
                    self.walk(a, bound);
                }
            }
            Expr::Comprehension(c) => {
                self.walk(&c.iter_range, bound);
                self.walk(&c.accu_init, bound);
                let mark = bound.len();
                bound.push(c.iter_var.clone());
                if let Some(v2) = &c.iter_var2 {
                    bound.push(v2.clone());
                }
                bound.push(c.accu_var.clone());
                self.walk(&c.loop_cond, bound);
                self.walk(&c.loop_step, bound);
                self.walk(&c.result, bound);
                bound.truncate(mark);
            }
            Expr::List(l) => {
                for el in &l.elements {
                    self.walk(el, bound);
                }
            }
            Expr::Map(m) => {
                for entry in &m.entries {
                    if let EntryExpr::MapEntry(me) = &entry.expr {
                        self.walk(&me.key, bound);
                        self.walk(&me.value, bound);
                    }
                }
            }
            Expr::Struct(s) => {
                for entry in &s.entries {
                    if let EntryExpr::StructField(f) = &entry.expr {
                        self.walk(&f.value, bound);
                    }
                }
            }
            Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
    }
}

/// The worst-case cost of an expression, as far as literals tell: steps the interpreter takes
/// (every comprehension over a literal list counted at its length), and the length of the list
/// or map it makes when that is known.
struct Cost {
    steps: u64,
    len: Option<u64>,
    /// The comprehension that costs most (ids of its range and of the macro), for the error's
    /// place.
    costliest: Option<(u64, u64)>,
}

impl Walker<'_> {
    /// A macro call from the start of its receiver to its closing parenthesis.
    fn macro_span(&self, range: u64, call: u64) -> Range<usize> {
        let start = self.span_of(range).start;
        let at = self.span_of(call).start;
        let mut depth = 0usize;
        for (i, ch) in self.source[at.min(self.source.len())..].char_indices() {
            match ch {
                '(' => depth += 1,
                ')' if depth <= 1 => return start..at + i + 1,
                ')' => depth -= 1,
                _ => {}
            }
        }
        start..self.source.len()
    }

    fn cost(&self, e: &IdedExpr) -> Cost {
        let sum = |parts: &mut dyn Iterator<Item = &IdedExpr>| {
            let mut out = Cost {
                steps: 1,
                len: None,
                costliest: None,
            };
            let mut worst = 0;
            for p in parts {
                let c = self.cost(p);
                out.steps = out.steps.saturating_add(c.steps);
                if c.costliest.is_some() && c.steps > worst {
                    worst = c.steps;
                    out.costliest = c.costliest;
                }
            }
            out
        };
        match &e.expr {
            Expr::List(l) => Cost {
                len: Some(l.elements.len() as u64),
                ..sum(&mut l.elements.iter())
            },
            Expr::Map(m) => {
                let mut parts = m.entries.iter().flat_map(|entry| match &entry.expr {
                    EntryExpr::MapEntry(me) => vec![&me.key, &me.value],
                    EntryExpr::StructField(f) => vec![&f.value],
                });
                Cost {
                    len: Some(m.entries.len() as u64),
                    ..sum(&mut parts)
                }
            }
            Expr::Struct(s) => sum(&mut s.entries.iter().filter_map(|entry| match &entry.expr {
                EntryExpr::StructField(f) => Some(&f.value),
                EntryExpr::MapEntry(_) => None,
            })),
            Expr::Select(sel) => sum(&mut std::iter::once(&*sel.operand)),
            Expr::Call(call) => {
                let mut c = sum(&mut call.target.iter().map(|t| &**t).chain(&call.args));
                // A concatenation of lists is as long as its parts.
                if call.func_name == "_+_" && call.args.len() == 2 {
                    let (a, b) = (self.cost(&call.args[0]), self.cost(&call.args[1]));
                    c.len = a.len.zip(b.len).map(|(a, b)| a.saturating_add(b));
                }
                c
            }
            Expr::Comprehension(c) => {
                let range = self.cost(&c.iter_range);
                let n = range.len.unwrap_or(1);
                let body = sum(&mut [&c.loop_cond, &c.loop_step].into_iter());
                let rest = sum(&mut [&c.iter_range, &c.accu_init, &c.result].into_iter());
                let steps = rest
                    .steps
                    .saturating_add(n.saturating_mul(body.steps.saturating_add(1)));
                Cost {
                    steps,
                    // `map` and `filter` build a list as long as the range at most.
                    len: matches!(c.accu_init.expr, Expr::List(_)).then_some(n),
                    costliest: Some((c.iter_range.id, e.id)),
                }
            }
            Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => Cost {
                steps: 1,
                len: None,
                costliest: None,
            },
        }
    }
}

/// Refuse a condition with more operators than [`MAX_OPERATORS`] before the parser sees it,
/// pointing at the first operator over the limit. String literals are skipped.
fn check_operator_count(source: &str) -> Result<(), SyntaxError> {
    let b = source.as_bytes();
    let (mut i, mut count) = (0, 0);
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                let triple = b.get(i..i + 3) == Some(&[q, q, q][..]);
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                    } else if triple && b.get(i..i + 3) == Some(&[q, q, q][..]) {
                        i += 3;
                        break;
                    } else if !triple && b[i] == q {
                        i += 1;
                        break;
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b'+' | b'-' | b'*' | b'/' | b'%' | b'?'
            | b'.' | b'[' | b'(' | b'{' => {
                // Two-character operators count once.
                let two = matches!(
                    b.get(i..i + 2),
                    Some(b"==" | b"!=" | b"<=" | b">=" | b"&&" | b"||")
                );
                count += 1;
                if count > MAX_OPERATORS {
                    let len = if two { 2 } else { 1 };
                    return Err(SyntaxError {
                        message: format!(
                            "the condition has more than {MAX_OPERATORS} operators; split it into indicators or signals"
                        ),
                        span: i..i + len,
                    });
                }
                i += if two { 2 } else { 1 };
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Names of functions a condition may call.
pub fn known_functions() -> BTreeSet<&'static str> {
    STANDARD_FUNCTIONS
        .iter()
        .chain(ENGINE_FUNCTIONS)
        .copied()
        .collect()
}

fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(b, _)| b)
}

fn line_col_to_byte(source: &str, line: isize, col: isize) -> usize {
    let mut offset = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i as isize + 1 == line {
            // cel reports 1-based columns.
            let col = (col - 1).max(0) as usize;
            return offset + l.char_indices().nth(col).map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    source.len()
}

fn next_token_end(source: &str, start: usize) -> usize {
    let rest = &source[start.min(source.len())..];
    let len = rest
        .find(|c: char| c.is_whitespace())
        .unwrap_or(rest.len())
        .max(1);
    (start + len).min(source.len().max(start))
}

fn clean_parse_message(msg: &str) -> String {
    let m = msg.trim();
    let mut c = m.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => "syntax error".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_points_at_the_offending_token() {
        for (src, at) in [("a > > b", 4), ("a &&", 4), ("x == 1\n  && ) y", 12)] {
            let errs = Condition::compile(src).unwrap_err();
            assert_eq!(errs[0].span.start, at, "{src:?}: {}", errs[0].message);
        }
    }

    #[test]
    fn references_cover_fact_paths_and_presence_tests() {
        let c = Condition::compile("has(prosecution.convictions) && previous.prosecution.convictions > 0 && criteria['b1-x'].status == 'met' && [1].exists(x, x > 0)").unwrap();
        let names: Vec<String> = c.references.iter().map(Reference::dotted).collect();
        assert!(
            names.contains(&"prosecution.convictions".to_string()),
            "{names:?}"
        );
        assert!(
            names.contains(&"previous.prosecution.convictions".to_string()),
            "{names:?}"
        );
        assert!(
            names.contains(&"criteria.b1-x.status".to_string()),
            "{names:?}"
        );
        assert!(!names.iter().any(|n| n == "x"), "{names:?}");
        let src = &c.source;
        for r in &c.references {
            assert!(
                src[r.span.clone()].contains(r.segments.last().unwrap().as_str())
                    || src[r.span.clone()].contains('['),
                "{:?} -> {:?}",
                r,
                &src[r.span.clone()]
            );
        }
    }

    fn facts(json: serde_json::Value) -> Bindings {
        let mut b = Bindings::new(vec![], 2022);
        for (k, v) in json.as_object().unwrap() {
            b.set(k, to_val(v, k));
        }
        b
    }

    /// JSON with `"?"` for an unknown fact and `"NR"` for one not reported.
    fn to_val(v: &serde_json::Value, path: &str) -> Val {
        match v {
            serde_json::Value::String(s) if s == "?" => Val::unknown(path),
            serde_json::Value::String(s) if s == "NR" => Val::not_reported(path),
            serde_json::Value::Object(m) => Val::map(
                m.iter()
                    .map(|(k, v)| (k.clone(), to_val(v, &format!("{path}.{k}"))))
                    .collect(),
            ),
            other => Val::from_json(other),
        }
    }

    fn verdict(src: &str, b: &Bindings) -> Verdict {
        Condition::compile(src).unwrap().eval(b).unwrap()
    }

    fn unknown(paths: &[&str]) -> Verdict {
        Verdict::Unknown(paths.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn a_missing_fact_leaves_a_comparison_undecided_and_named() {
        let b = facts(serde_json::json!({"p": {"convictions": "?", "investigations": 3}}));
        assert_eq!(
            verdict("p.convictions > 0", &b),
            unknown(&["p.convictions"])
        );
        assert_eq!(
            verdict("p.convictions == 0", &b),
            unknown(&["p.convictions"])
        );
        assert_eq!(
            verdict("p.convictions == null", &b),
            unknown(&["p.convictions"])
        );
        assert_eq!(
            verdict("has(p.convictions)", &b),
            unknown(&["p.convictions"])
        );
        assert_eq!(verdict("p.investigations > 2", &b), Verdict::True);
    }

    #[test]
    fn kleene_logic_decides_without_the_missing_fact_only_when_it_cannot_matter() {
        let b = facts(serde_json::json!({"p": {"a": "?", "b": "?", "n": 0}}));
        assert_eq!(verdict("p.n > 0 && p.a > 0", &b), Verdict::False);
        assert_eq!(verdict("p.a > 0 && p.n > 0", &b), Verdict::False);
        assert_eq!(verdict("p.a > 0 || p.n == 0", &b), Verdict::True);
        assert_eq!(verdict("p.a > 0 && p.n == 0", &b), unknown(&["p.a"]));
        assert_eq!(verdict("p.a > 0 || p.b > 0", &b), unknown(&["p.a", "p.b"]));
        assert_eq!(verdict("!(p.a > 0)", &b), unknown(&["p.a"]));
        assert_eq!(verdict("(p.n == 0 ? 1 : p.a) == 1", &b), Verdict::True);
        assert_eq!(verdict("(p.a == 0 ? 1 : 1) == 1", &b), Verdict::True);
        assert_eq!(verdict("(p.a == 0 ? 1 : 2) == 1", &b), unknown(&["p.a"]));
    }

    #[test]
    fn not_reported_decides_only_a_test_for_not_reported() {
        let b = facts(serde_json::json!({"p": {"c": "NR", "i": 4}}));
        assert_eq!(verdict("p.c == null", &b), Verdict::True);
        assert_eq!(verdict("p.c != null", &b), Verdict::False);
        assert_eq!(verdict("p.c == 0", &b), unknown(&["p.c"]));
        assert_eq!(verdict("p.c > 0", &b), unknown(&["p.c"]));
        assert_eq!(verdict("has(p.c)", &b), Verdict::True);
        assert_eq!(
            verdict(
                "[p.c, p.i].exists(x, x == null) && [p.c, p.i].exists(x, x != null)",
                &b
            ),
            Verdict::True
        );
    }

    #[test]
    fn comprehensions_decide_on_the_elements_they_can() {
        let b = facts(serde_json::json!({"p": {"a": "?", "b": 5, "c": 0}}));
        assert_eq!(verdict("[p.a, p.b].exists(x, x > 1)", &b), Verdict::True);
        assert_eq!(
            verdict("[p.a, p.c].exists(x, x > 1)", &b),
            unknown(&["p.a"])
        );
        assert_eq!(verdict("[p.a, p.c].all(x, x > 1)", &b), Verdict::False);
        assert_eq!(verdict("[p.a, p.b].all(x, x > 1)", &b), unknown(&["p.a"]));
        assert_eq!(
            verdict("[p.a, p.b].filter(x, x > 1).size() == 1", &b),
            unknown(&["p.a"])
        );
        assert_eq!(
            verdict("[p.b, p.c].filter(x, x > 1).size() == 1", &b),
            Verdict::True
        );
        assert_eq!(
            verdict("[p.b, p.c].map(x, x + 1) == [6, 1]", &b),
            Verdict::True
        );
        assert_eq!(verdict("{'k': p.b}.all(k, k == 'k')", &b), Verdict::True);
        assert_eq!(verdict("5 in [p.a, p.b]", &b), Verdict::True);
        assert_eq!(verdict("7 in [p.a, p.b]", &b), unknown(&["p.a"]));
        assert_eq!(verdict("size([p.a, p.b]) == 2", &b), Verdict::True);
    }

    #[test]
    fn evaluation_errors_are_not_missing_evidence() {
        let b = facts(serde_json::json!({"p": {"b": 5}, "l": []}));
        let c = Condition::compile("l[0] == 1").unwrap();
        assert!(matches!(c.eval(&b), Err(EvalError::Undecidable(_))));
        let c = Condition::compile("p.b + 1").unwrap();
        assert!(matches!(c.eval(&b), Err(EvalError::NotBoolean(_))));
        // An error that cannot matter is absorbed, as in CEL.
        assert_eq!(verdict("size(l) > 0 && l[0] == 1", &b), Verdict::False);
    }

    #[test]
    fn streak_counts_consecutive_years_before_the_report() {
        let h = vec![
            (2021, "2WL".to_string(), true),
            (2020, "2WL".to_string(), false),
            (2019, "2".to_string(), false),
        ];
        assert_eq!(streak(&h, 2022, "2WL", i64::MIN), (2, 1));
        assert_eq!(streak(&h, 2022, "2WL", 2021), (1, 1));
        assert_eq!(streak(&h, 2023, "2WL", i64::MIN), (0, 0));
        assert_eq!(streak_at(&h, "2WL", 2020, i64::MIN), 1);
        let c = Condition::compile(
            "streak('2WL') >= 2 && streak_waivers('2WL') == 1 && stints()[1].tier == '2'",
        )
        .unwrap();
        assert_eq!(c.eval(&Bindings::new(h, 2022)), Ok(Verdict::True));
    }

    #[test]
    fn stints_group_consecutive_years_and_stop_at_a_gap() {
        let h: Vec<HistoryYear> = [
            (2021, "2WL"),
            (2020, "3"),
            (2019, "3"),
            (2018, "2WL"),
            (2016, "2"),
        ]
        .iter()
        .map(|(y, t)| (*y, t.to_string(), false))
        .collect();
        let s = stints(&h, 2022, i64::MIN);
        let shape: Vec<(String, i64)> = s.iter().map(|s| (s.tier.clone(), s.years)).collect();
        assert_eq!(
            shape,
            vec![("2WL".into(), 1), ("3".into(), 2), ("2WL".into(), 1)]
        );
        assert_eq!((s[1].first, s[1].last), (2019, 2020));
    }

    #[test]
    fn a_chain_of_thousands_of_operators_is_refused_at_the_first_over_the_limit() {
        let src = vec!["1"; 5000].join(" == ");
        let errs = Condition::compile(&src).unwrap_err();
        assert!(
            errs[0].message.contains("more than 500 operators"),
            "{errs:?}"
        );
        assert_eq!(&src[errs[0].span.clone()], "==");
        // Operators inside string literals do not count.
        let quoted = format!("'{}' == 'x'", "==".repeat(2000));
        assert!(Condition::compile(&quoted).is_ok());
    }

    #[test]
    fn a_chain_at_the_operator_limit_compiles_and_evaluates_on_a_small_stack() {
        let src = vec!["true"; MAX_OPERATORS].join(" == ");
        let run = move || {
            let c = Condition::compile(&src).unwrap();
            c.eval(&Bindings::new(vec![], 2022)).map(|_| ())
        };
        // The default stack of a spawned thread (2 MiB), in a debug build.
        let outcome = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(run)
            .unwrap()
            .join()
            .unwrap();
        assert!(outcome.is_ok(), "{outcome:?}");
    }

    #[test]
    fn nested_comprehensions_over_literal_lists_are_refused_with_their_cost() {
        let l = format!(
            "[{}]",
            (0..100)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        let src = format!("{l}.all(a, {l}.all(b, {l}.all(c, a + b + c >= 0)))");
        let errs = Condition::compile(&src).unwrap_err();
        assert!(
            errs[0].message.contains("steps, more than the 200000"),
            "{errs:?}"
        );
        assert_eq!(&src[errs[0].span.clone()], src);
        // One level is cheap.
        assert!(Condition::compile(&format!("{l}.all(a, a >= 0)")).is_ok());
    }

    #[test]
    fn a_comprehension_over_long_facts_stops_at_the_budget_whatever_it_would_give() {
        let mut b = Bindings::new(vec![], 2022);
        b.set_json("l", &serde_json::json!((0..1000).collect::<Vec<i64>>()));
        // `false && <error>` would absorb the error: the budget is checked after the fact.
        for src in [
            "l.all(x, l.all(y, x + y >= 0))",
            "l.exists(x, l.all(y, y >= 0) && false)",
        ] {
            let c = Condition::compile(src).unwrap();
            assert_eq!(c.eval(&b), Err(EvalError::Budget(200_000)), "{src}");
        }
    }

    #[test]
    fn syntax_errors_are_located() {
        let errs = Condition::compile("prosecution.convictions >").unwrap_err();
        assert!(!errs.is_empty());
    }
}
