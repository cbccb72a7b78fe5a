//! The one place that knows about CEL (the `cel` crate, pinned): compiling rule conditions,
//! walking their syntax tree to find the names they read (CEL has no type checker, so fact paths
//! are validated here), and evaluating them against a set of bindings.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};
use cel::objects::{Key, Map};
use cel::{Context, ExecutionError, Program, Value};

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
pub const ENGINE_FUNCTIONS: &[&str] = &["streak", "streak_waivers"];

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

impl Condition {
    pub fn compile(source: &str) -> Result<Condition, Vec<SyntaxError>> {
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

    /// Evaluate against bindings: `true` or `false`, or why it cannot be decided.
    pub fn eval_bool(&self, bindings: &Bindings) -> Result<bool, EvalError> {
        match self.program.execute(&bindings.ctx) {
            Ok(Value::Bool(b)) => Ok(b),
            Ok(other) => Err(EvalError::NotBoolean(format!("{other:?}"))),
            Err(ExecutionError::NoSuchKey(k)) => Err(EvalError::Unknown(k.to_string())),
            Err(ExecutionError::UndeclaredReference(k)) => Err(EvalError::Unknown(k.to_string())),
            Err(e) => Err(EvalError::Undecidable(e.to_string())),
        }
    }
}

/// CEL's standard environment, built once per process (building it is the costly part of a
/// context).
fn stdlib() -> Arc<cel::Env> {
    static ENV: std::sync::OnceLock<Arc<cel::Env>> = std::sync::OnceLock::new();
    Arc::clone(ENV.get_or_init(|| Arc::new(cel::Env::stdlib())))
}

/// (consecutive years immediately before the report year on `tier`, waivers among them).
/// `history` is most recent first.
pub fn streak(history: &[(i64, String, bool)], report_year: i64, tier: &str) -> (i64, i64) {
    let mut expected = report_year - 1;
    let (mut years, mut waivers) = (0, 0);
    for (year, t, waiver) in history {
        if *year != expected || t != tier {
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

/// Why a condition could not be decided.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// It reads a fact (or field) that is not known.
    Unknown(String),
    /// It compares a value that was not reported, or fails for another reason at run time.
    Undecidable(String),
    /// It evaluated to something other than `true` or `false`.
    NotBoolean(String),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Unknown(k) => write!(f, "`{k}` is not known"),
            EvalError::Undecidable(e) => write!(f, "cannot be decided: {}", e.to_lowercase()),
            EvalError::NotBoolean(v) => write!(f, "is not `true` or `false` but `{v}`"),
        }
    }
}

/// The variables a condition sees, plus the engine functions over the history. Built once per
/// facts file; decision stages rebind the variables they add.
pub struct Bindings {
    ctx: Context<'static, 'static>,
}

impl std::fmt::Debug for Bindings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bindings")
    }
}

impl Bindings {
    /// `history` is (year, tier, waiver), most recent first.
    pub fn new(history: Vec<(i64, String, bool)>, report_year: i64) -> Self {
        let mut ctx = Context::with_env(stdlib());
        let history = Arc::new(history);
        let h2 = Arc::clone(&history);
        // Neither name is a standard CEL function, so registering cannot conflict.
        let _ = ctx.add_function("streak", move |tier: Arc<String>| -> i64 {
            streak(&history, report_year, &tier).0
        });
        let _ = ctx.add_function("streak_waivers", move |tier: Arc<String>| -> i64 {
            streak(&h2, report_year, &tier).1
        });
        Self { ctx }
    }

    /// Bind (or rebind) a top-level variable.
    pub fn set(&mut self, name: &str, value: Value) {
        self.ctx.add_variable_from_value(name.to_string(), value);
    }
}

/// Convert JSON-like data into a CEL value (maps keyed by text).
pub fn to_cel(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(f)) => Value::Float(f),
            _ => Value::Null,
        },
        serde_json::Value::String(s) => Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(items) => {
            Value::List(Arc::new(items.iter().map(to_cel).collect()))
        }
        serde_json::Value::Object(map) => {
            let mut m: HashMap<Key, Value> = HashMap::with_capacity(map.len());
            for (k, v) in map {
                m.insert(Key::String(Arc::new(k.clone())), to_cel(v));
            }
            Value::Map(Map { map: Arc::new(m) })
        }
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

    #[test]
    fn unknown_and_null_are_undecided() {
        let c = Condition::compile("prosecution.convictions > 0").unwrap();
        let mut b = Bindings::new(vec![], 2022);
        b.set("prosecution", to_cel(&serde_json::json!({})));
        assert!(matches!(c.eval_bool(&b), Err(EvalError::Unknown(_))));
        b.set(
            "prosecution",
            to_cel(&serde_json::json!({"convictions": null})),
        );
        assert!(c.eval_bool(&b).is_err());
        let eq = Condition::compile("prosecution.convictions == null").unwrap();
        assert_eq!(eq.eval_bool(&b), Ok(true));
    }

    #[test]
    fn streak_counts_consecutive_years_before_the_report() {
        let h = vec![
            (2021, "2WL".to_string(), true),
            (2020, "2WL".to_string(), false),
            (2019, "2".to_string(), false),
        ];
        assert_eq!(streak(&h, 2022, "2WL"), (2, 1));
        assert_eq!(streak(&h, 2023, "2WL"), (0, 0));
        let c = Condition::compile("streak('2WL') >= 2 && streak_waivers('2WL') == 1").unwrap();
        assert_eq!(c.eval_bool(&Bindings::new(h, 2022)), Ok(true));
    }

    #[test]
    fn syntax_errors_are_located() {
        let errs = Condition::compile("prosecution.convictions >").unwrap_err();
        assert!(!errs.is_empty());
    }
}
