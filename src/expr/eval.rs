//! The three-valued interpreter of conditions: it walks the syntax tree the `cel` parser builds
//! and computes over [`Val`], where a fact the facts file does not state is unknown.
//!
//! Logic is Kleene's: `false && x` is false and `true || x` is true whatever `x` is; otherwise an
//! unknown operand makes the result unknown. `exists` is true as soon as one element is, `all`
//! false as soon as one element is; a conditional with an unknown test is known only when both
//! branches agree. Every other operation on an unknown value is unknown. So a condition decides
//! only when its outcome is the same for every value its missing facts could take (the converse
//! need not hold: `x > 0 || x <= 0` stays unknown). A fact stated as `not_reported` equals `null`
//! and is unknown to every other operation, so `x == null` decides and `x == 0` does not.

use std::cmp::Ordering;

use cel::common::ast::{CallExpr, ComprehensionExpr, EntryExpr, Expr, IdedExpr, LiteralValue};
use indexmap::IndexMap;

use super::value::{Missing, Val};
use super::{stints, streak, streak_at, Bindings};

/// An evaluation error (a type mismatch, a missing key, an index out of range).
pub type Fail = String;
type R = Result<Val, Fail>;

/// Steps one condition may take: conditions are short, so this only stops a runaway (a
/// comprehension over a long list nested in another). [`super::Condition::compile`] refuses a
/// condition whose comprehensions over literals could take more.
pub(super) const BUDGET: usize = 200_000;

/// A boolean in three-valued logic, or an error.
enum Tri {
    True,
    False,
    Unknown(Missing),
    Error(Fail),
}

fn truth(r: &R) -> Tri {
    match r {
        Ok(Val::Bool(true)) => Tri::True,
        Ok(Val::Bool(false)) => Tri::False,
        Ok(Val::Unknown(m)) => Tri::Unknown(m.clone()),
        Ok(Val::NotReported(p)) => Tri::Unknown(Missing::one(p)),
        Ok(other) => Tri::Error(format!(
            "expected `true` or `false`, found {}",
            other.show()
        )),
        Err(e) => Tri::Error(e.clone()),
    }
}

fn from_tri(t: Tri) -> R {
    match t {
        Tri::True => Ok(Val::Bool(true)),
        Tri::False => Ok(Val::Bool(false)),
        Tri::Unknown(m) => Ok(Val::Unknown(m)),
        Tri::Error(e) => Err(e),
    }
}

pub(super) struct Interp<'a> {
    bindings: &'a Bindings,
    locals: Vec<(String, Val)>,
    steps: usize,
}

impl<'a> Interp<'a> {
    pub(super) fn new(bindings: &'a Bindings) -> Self {
        Interp {
            bindings,
            locals: Vec::new(),
            steps: 0,
        }
    }

    /// Evaluate with `name` bound (an iteration variable).
    fn with_local<T>(&mut self, name: &str, v: Val, f: impl FnOnce(&mut Self) -> T) -> T {
        self.locals.push((name.to_string(), v));
        let out = f(self);
        self.locals.pop();
        out
    }

    /// Whether the evaluation ran out of steps: its result, whatever it is, must not be used
    /// (an error past the budget can be absorbed by `false && _`).
    pub(super) fn exhausted(&self) -> bool {
        self.steps > BUDGET
    }

    pub(super) fn eval(&mut self, e: &IdedExpr) -> R {
        self.steps += 1;
        if self.steps > BUDGET {
            return Err("the condition takes too many steps to evaluate".into());
        }
        match &e.expr {
            Expr::Literal(l) => literal(l),
            Expr::Ident(name) => self.lookup(name),
            Expr::Select(sel) => {
                let v = self.eval(&sel.operand)?;
                if sel.test {
                    Ok(has(&v, &sel.field))
                } else {
                    select(&v, &sel.field)
                }
            }
            Expr::List(l) => {
                let mut items = Vec::with_capacity(l.elements.len());
                for el in &l.elements {
                    items.push(self.eval(el)?);
                }
                Ok(Val::list(items))
            }
            Expr::Map(m) => {
                let mut out = IndexMap::new();
                for entry in &m.entries {
                    if let EntryExpr::MapEntry(me) = &entry.expr {
                        let key = match self.eval(&me.key)? {
                            Val::Str(s) => s.to_string(),
                            Val::Int(i) => i.to_string(),
                            Val::Bool(b) => b.to_string(),
                            other => return Err(format!("a map key cannot be {}", other.show())),
                        };
                        let v = self.eval(&me.value)?;
                        out.insert(key, v);
                    }
                }
                Ok(Val::map(out))
            }
            Expr::Struct(_) => Err("message literals are not supported".into()),
            Expr::Comprehension(c) => self.comprehension(c),
            Expr::Call(call) => self.call(call),
            Expr::Unspecified => Err("empty expression".into()),
        }
    }

    fn lookup(&self, name: &str) -> R {
        if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return Ok(v.clone());
        }
        self.bindings
            .vars
            .get(name)
            .cloned()
            .ok_or_else(|| format!("`{name}` is not defined"))
    }

    fn comprehension(&mut self, c: &ComprehensionExpr) -> R {
        let range = self.eval(&c.iter_range)?;
        let items: Vec<(Val, Val)> = match &range {
            Val::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, v)| (Val::Int(i as i64), v.clone()))
                .collect(),
            Val::Map(m) => m.iter().map(|(k, v)| (Val::text(k), v.clone())).collect(),
            Val::Unknown(m) => return Ok(Val::Unknown(m.clone())),
            Val::NotReported(p) => return Ok(Val::unknown(p)),
            other => return Err(format!("cannot iterate over {}", other.show())),
        };
        let mut accu = self.eval(&c.accu_init)?;
        let list = matches!(range, Val::List(_));
        for (key, value) in items {
            // One variable: a list's elements, a map's keys. Two: (index, element), (key, value).
            let (first, second) = match (&c.iter_var2, list) {
                (Some(_), _) => (key, Some(value)),
                (None, true) => (value, None),
                (None, false) => (key, None),
            };
            self.locals.push((c.iter_var.clone(), first));
            if let (Some(n), Some(v)) = (&c.iter_var2, second) {
                self.locals.push((n.clone(), v));
            }
            let pushed = if c.iter_var2.is_some() { 2 } else { 1 };
            let step = self.with_local(&c.accu_var, accu.clone(), |me| {
                let cond = me.eval(&c.loop_cond);
                if not_strictly_false(&cond) {
                    Some(me.eval(&c.loop_step))
                } else {
                    None
                }
            });
            for _ in 0..pushed {
                self.locals.pop();
            }
            match step {
                Some(next) => accu = next?,
                None => break,
            }
        }
        self.with_local(&c.accu_var, accu, |me| me.eval(&c.result))
    }

    fn call(&mut self, call: &CallExpr) -> R {
        let name = call.func_name.as_str();
        let args = &call.args;
        match name {
            "_&&_" | "_||_" => {
                let stop = name == "_||_";
                let a = self.eval(&args[0]);
                if matches!((truth(&a), stop), (Tri::False, false) | (Tri::True, true)) {
                    return Ok(Val::Bool(stop));
                }
                let b = self.eval(&args[1]);
                return from_tri(if stop {
                    or(truth(&a), truth(&b))
                } else {
                    and(truth(&a), truth(&b))
                });
            }
            "!_" => return from_tri(not(truth(&self.eval(&args[0])))),
            "@not_strictly_false" => {
                let a = self.eval(&args[0]);
                return Ok(Val::Bool(not_strictly_false(&a)));
            }
            "_?_:_" => {
                return match truth(&self.eval(&args[0])) {
                    Tri::True => self.eval(&args[1]),
                    Tri::False => self.eval(&args[2]),
                    Tri::Error(e) => Err(e),
                    Tri::Unknown(m) => {
                        let a = self.eval(&args[1])?;
                        let b = self.eval(&args[2])?;
                        if a.is_known() && a == b {
                            Ok(a)
                        } else {
                            Ok(Val::Unknown(
                                m.union(&a.missing_inside()).union(&b.missing_inside()),
                            ))
                        }
                    }
                };
            }
            _ => {}
        }
        // Everything else evaluates its arguments first (a receiver is the first argument).
        let mut vals = Vec::with_capacity(args.len() + 1);
        if let Some(t) = &call.target {
            vals.push(self.eval(t)?);
        }
        for a in args {
            vals.push(self.eval(a)?);
        }
        match name {
            "_==_" => from_tri(equal(&vals[0], &vals[1])),
            "_!=_" => from_tri(not(equal(&vals[0], &vals[1]))),
            "_<_" => compare(&vals[0], &vals[1], "<", |o| o == Ordering::Less),
            "_<=_" => compare(&vals[0], &vals[1], "<=", |o| o != Ordering::Greater),
            "_>_" => compare(&vals[0], &vals[1], ">", |o| o == Ordering::Greater),
            "_>=_" => compare(&vals[0], &vals[1], ">=", |o| o != Ordering::Less),
            "_+_" | "_-_" | "_*_" | "_/_" | "_%_" => arithmetic(name, &vals[0], &vals[1]),
            "-_" => match &vals[0] {
                Val::Int(i) => i.checked_neg().map(Val::Int).ok_or_else(overflow),
                Val::Float(f) => Ok(Val::Float(-f)),
                v => unknown_or(v, || format!("cannot negate {}", v.show())),
            },
            "_[_]" => index(&vals[0], &vals[1]),
            "@in" => from_tri(member(&vals[0], &vals[1])),
            _ => self.function(name, &vals),
        }
    }

    fn function(&self, name: &str, vals: &[Val]) -> R {
        // A function of an unknown argument is unknown.
        if let Some(m) = vals
            .iter()
            .filter_map(Val::missing)
            .reduce(|a, b| a.union(&b))
        {
            return Ok(Val::Unknown(m));
        }
        let arity = |n: usize| -> Result<(), Fail> {
            if vals.len() == n {
                Ok(())
            } else {
                Err(format!(
                    "`{name}` takes {n} argument(s), found {}",
                    vals.len()
                ))
            }
        };
        let text = |v: &Val| -> Result<String, Fail> {
            match v {
                Val::Str(s) => Ok(s.to_string()),
                other => Err(format!("`{name}` expects text, found {}", other.show())),
            }
        };
        let int = |v: &Val| -> Result<i64, Fail> {
            match v {
                Val::Int(i) => Ok(*i),
                other => Err(format!(
                    "`{name}` expects a whole number, found {}",
                    other.show()
                )),
            }
        };
        let history = &self.bindings.history;
        let year = self.bindings.report_year;
        match name {
            "size" => {
                arity(1)?;
                match &vals[0] {
                    Val::List(l) => Ok(Val::Int(l.len() as i64)),
                    Val::Map(m) => Ok(Val::Int(m.len() as i64)),
                    Val::Str(s) => Ok(Val::Int(s.chars().count() as i64)),
                    other => Err(format!("`size` of {}", other.show())),
                }
            }
            "int" | "uint" => {
                arity(1)?;
                match &vals[0] {
                    Val::Int(i) => Ok(Val::Int(*i)),
                    Val::Float(f) if f.is_finite() => Ok(Val::Int(f.trunc() as i64)),
                    Val::Str(s) => s
                        .parse()
                        .map(Val::Int)
                        .map_err(|_| format!("`{s}` is not a whole number")),
                    other => Err(format!("cannot convert {} to a number", other.show())),
                }
            }
            "double" => {
                arity(1)?;
                match &vals[0] {
                    Val::Int(i) => Ok(Val::Float(*i as f64)),
                    Val::Float(f) => Ok(Val::Float(*f)),
                    Val::Str(s) => s
                        .parse()
                        .map(Val::Float)
                        .map_err(|_| format!("`{s}` is not a number")),
                    other => Err(format!("cannot convert {} to a number", other.show())),
                }
            }
            "string" => {
                arity(1)?;
                Ok(Val::text(&match &vals[0] {
                    Val::Str(s) => s.to_string(),
                    Val::Int(i) => i.to_string(),
                    Val::Float(f) => f.to_string(),
                    Val::Bool(b) => b.to_string(),
                    other => return Err(format!("cannot convert {} to text", other.show())),
                }))
            }
            "bool" => {
                arity(1)?;
                match &vals[0] {
                    Val::Bool(b) => Ok(Val::Bool(*b)),
                    Val::Str(s) if &**s == "true" => Ok(Val::Bool(true)),
                    Val::Str(s) if &**s == "false" => Ok(Val::Bool(false)),
                    other => Err(format!("cannot convert {} to a boolean", other.show())),
                }
            }
            "type" => {
                arity(1)?;
                Ok(Val::text(vals[0].type_name()))
            }
            "contains" | "startsWith" | "endsWith" => {
                arity(2)?;
                let (s, t) = (text(&vals[0])?, text(&vals[1])?);
                Ok(Val::Bool(match name {
                    "contains" => s.contains(&t),
                    "startsWith" => s.starts_with(&t),
                    _ => s.ends_with(&t),
                }))
            }
            "matches" => {
                arity(2)?;
                let (s, p) = (text(&vals[0])?, text(&vals[1])?);
                if p.len() > crate::pattern::MAX_PATTERN_BYTES {
                    return Err(format!(
                        "the pattern is {} bytes long, more than the {} a pattern may be",
                        p.len(),
                        crate::pattern::MAX_PATTERN_BYTES
                    ));
                }
                let re = regex::RegexBuilder::new(&p)
                    .size_limit(crate::pattern::SIZE_LIMIT)
                    .dfa_size_limit(crate::pattern::SIZE_LIMIT)
                    .build()
                    .map_err(|e| format!("invalid pattern: {e}"))?;
                Ok(Val::Bool(re.is_match(&s)))
            }
            "max" | "min" => {
                let items: Vec<Val> = match vals {
                    [Val::List(l)] => l.to_vec(),
                    _ => vals.to_vec(),
                };
                if let Some(m) = items
                    .iter()
                    .map(Val::missing_inside)
                    .reduce(|a, b| a.union(&b))
                    .filter(|m| m.paths().next().is_some())
                {
                    return Ok(Val::Unknown(m));
                }
                let mut best: Option<Val> = None;
                for v in items {
                    best = Some(match best {
                        None => v,
                        Some(b) => {
                            let o = order(&v, &b).ok_or_else(|| {
                                format!("`{name}` of {} and {}", v.show(), b.show())
                            })?;
                            let take = if name == "max" {
                                o == Ordering::Greater
                            } else {
                                o == Ordering::Less
                            };
                            if take {
                                v
                            } else {
                                b
                            }
                        }
                    });
                }
                best.ok_or_else(|| format!("`{name}` of nothing"))
            }
            "abs" => {
                arity(1)?;
                match &vals[0] {
                    Val::Int(i) => i.checked_abs().map(Val::Int).ok_or_else(overflow),
                    Val::Float(f) => Ok(Val::Float(f.abs())),
                    other => Err(format!("`abs` of {}", other.show())),
                }
            }
            "streak" => {
                let since = match vals.len() {
                    1 => i64::MIN,
                    2 => int(&vals[1])?,
                    _ => return arity(2).map(|_| Val::Null),
                };
                Ok(Val::Int(streak(history, year, &text(&vals[0])?, since).0))
            }
            "streak_waivers" => {
                arity(1)?;
                Ok(Val::Int(
                    streak(history, year, &text(&vals[0])?, i64::MIN).1,
                ))
            }
            "streak_at" => {
                let since = match vals.len() {
                    2 => i64::MIN,
                    3 => int(&vals[2])?,
                    _ => return arity(3).map(|_| Val::Null),
                };
                Ok(Val::Int(streak_at(
                    history,
                    &text(&vals[0])?,
                    int(&vals[1])?,
                    since,
                )))
            }
            "stints" => {
                let since = match vals.len() {
                    0 => i64::MIN,
                    1 => int(&vals[0])?,
                    _ => return arity(1).map(|_| Val::Null),
                };
                Ok(Val::list(
                    stints(history, year, since)
                        .into_iter()
                        .map(|s| {
                            Val::map(IndexMap::from([
                                ("tier".to_string(), Val::text(&s.tier)),
                                ("years".to_string(), Val::Int(s.years)),
                                ("first".to_string(), Val::Int(s.first)),
                                ("last".to_string(), Val::Int(s.last)),
                            ]))
                        })
                        .collect(),
                ))
            }
            other => Err(format!("unknown function `{other}`")),
        }
    }
}

fn overflow() -> Fail {
    "the arithmetic overflows".into()
}

/// An operation on an unknown value is unknown; on anything else, the error.
fn unknown_or(v: &Val, err: impl FnOnce() -> Fail) -> R {
    match v.missing() {
        Some(m) => Ok(Val::Unknown(m)),
        None => Err(err()),
    }
}

fn literal(l: &LiteralValue) -> R {
    Ok(match l {
        LiteralValue::Boolean(b) => Val::Bool(*b.inner()),
        LiteralValue::Int(i) => Val::Int(*i.inner()),
        LiteralValue::UInt(u) => Val::Int(i64::try_from(*u.inner()).map_err(|_| overflow())?),
        LiteralValue::Double(f) => Val::Float(*f.inner()),
        LiteralValue::String(s) => Val::text(s.inner()),
        LiteralValue::Null => Val::Null,
        LiteralValue::Bytes(_) => return Err("byte literals are not supported".into()),
    })
}

/// `has(v.field)`: true when the field holds a value or `not_reported`, unknown when it holds
/// an unknown fact, false when there is no such field.
fn has(v: &Val, field: &str) -> Val {
    match v {
        Val::Map(m) => match m.get(field) {
            Some(Val::Unknown(miss)) => Val::Unknown(miss.clone()),
            Some(_) => Val::Bool(true),
            None => Val::Bool(false),
        },
        Val::Unknown(m) => Val::Unknown(m.clone()),
        Val::NotReported(p) => Val::unknown(p),
        _ => Val::Bool(false),
    }
}

fn select(v: &Val, field: &str) -> R {
    match v {
        Val::Map(m) => m
            .get(field)
            .cloned()
            .ok_or_else(|| format!("no field `{field}`")),
        Val::Unknown(m) => Ok(Val::Unknown(m.clone())),
        // A part of an unreported value is unreported.
        Val::NotReported(p) => Ok(Val::NotReported(p.clone())),
        other => Err(format!("{} has no field `{field}`", other.show())),
    }
}

fn index(target: &Val, key: &Val) -> R {
    if let Some(m) = key.missing() {
        return Ok(Val::Unknown(m));
    }
    match (target, key) {
        (Val::List(l), Val::Int(i)) => usize::try_from(*i)
            .ok()
            .and_then(|i| l.get(i))
            .cloned()
            .ok_or_else(|| format!("index {i} is out of range (size {})", l.len())),
        (Val::Map(m), Val::Str(k)) => m.get(&**k).cloned().ok_or_else(|| format!("no key `{k}`")),
        (Val::NotReported(p), _) => Ok(Val::NotReported(p.clone())),
        (t, _) => unknown_or(t, || {
            format!("cannot index {} with {}", t.show(), key.show())
        }),
    }
}

fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::False, _) | (_, Tri::False) => Tri::False,
        (Tri::Error(e), _) | (_, Tri::Error(e)) => Tri::Error(e),
        (Tri::True, Tri::True) => Tri::True,
        (Tri::Unknown(m), Tri::True) | (Tri::True, Tri::Unknown(m)) => Tri::Unknown(m),
        (Tri::Unknown(m), Tri::Unknown(n)) => Tri::Unknown(m.union(&n)),
    }
}

fn or(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::True, _) | (_, Tri::True) => Tri::True,
        (Tri::Error(e), _) | (_, Tri::Error(e)) => Tri::Error(e),
        (Tri::False, Tri::False) => Tri::False,
        (Tri::Unknown(m), Tri::False) | (Tri::False, Tri::Unknown(m)) => Tri::Unknown(m),
        (Tri::Unknown(m), Tri::Unknown(n)) => Tri::Unknown(m.union(&n)),
    }
}

fn not(a: Tri) -> Tri {
    match a {
        Tri::True => Tri::False,
        Tri::False => Tri::True,
        other => other,
    }
}

/// CEL's loop condition of `all` and `exists`: keep going unless the value is plainly false.
fn not_strictly_false(r: &R) -> bool {
    !matches!(r, Ok(Val::Bool(false)))
}

/// Equality in three-valued logic: `not_reported` equals `null` and nothing else it can be
/// compared with is decided.
fn equal(a: &Val, b: &Val) -> Tri {
    match (a, b) {
        (Val::Unknown(m), Val::Unknown(n)) => Tri::Unknown(m.union(n)),
        (Val::Unknown(m), _) | (_, Val::Unknown(m)) => Tri::Unknown(m.clone()),
        (Val::NotReported(_), Val::Null) | (Val::Null, Val::NotReported(_)) => Tri::True,
        (Val::NotReported(p), Val::NotReported(q)) => {
            Tri::Unknown(Missing::one(p).union(&Missing::one(q)))
        }
        (Val::NotReported(p), _) | (_, Val::NotReported(p)) => Tri::Unknown(Missing::one(p)),
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Tri::False;
            }
            x.iter()
                .zip(y.iter())
                .fold(Tri::True, |acc, (p, q)| and(acc, equal(p, q)))
        }
        (Val::Map(x), Val::Map(y)) => {
            if x.len() != y.len() || x.keys().any(|k| !y.contains_key(k)) {
                return Tri::False;
            }
            x.iter()
                .fold(Tri::True, |acc, (k, v)| and(acc, equal(v, &y[k])))
        }
        _ => match order(a, b) {
            Some(o) => {
                if o == Ordering::Equal {
                    Tri::True
                } else {
                    Tri::False
                }
            }
            None => {
                if a == b {
                    Tri::True
                } else {
                    Tri::False
                }
            }
        },
    }
}

/// The order of two comparable known values: numbers (whole or not), texts, booleans.
fn order(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Int(x), Val::Float(y)) => (*x as f64).partial_cmp(y),
        (Val::Float(x), Val::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Val::Float(x), Val::Float(y)) => x.partial_cmp(y),
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn compare(a: &Val, b: &Val, op: &str, test: fn(Ordering) -> bool) -> R {
    match (a.missing(), b.missing()) {
        (Some(m), Some(n)) => return Ok(Val::Unknown(m.union(&n))),
        (Some(m), None) | (None, Some(m)) => return Ok(Val::Unknown(m)),
        _ => {}
    }
    match order(a, b) {
        Some(o) => Ok(Val::Bool(test(o))),
        None => Err(format!("cannot compare {} {op} {}", a.show(), b.show())),
    }
}

fn arithmetic(op: &str, a: &Val, b: &Val) -> R {
    match (a.missing(), b.missing()) {
        (Some(m), Some(n)) => return Ok(Val::Unknown(m.union(&n))),
        (Some(m), None) | (None, Some(m)) => return Ok(Val::Unknown(m)),
        _ => {}
    }
    let float = |x: f64, y: f64| -> R {
        Ok(Val::Float(match op {
            "_+_" => x + y,
            "_-_" => x - y,
            "_*_" => x * y,
            "_/_" if y != 0.0 => x / y,
            "_/_" => return Err("division by zero".into()),
            _ => return Err("`%` needs whole numbers".into()),
        }))
    };
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => {
            let r = match op {
                "_+_" => x.checked_add(*y),
                "_-_" => x.checked_sub(*y),
                "_*_" => x.checked_mul(*y),
                "_/_" | "_%_" if *y == 0 => return Err("division by zero".into()),
                "_/_" => x.checked_div(*y),
                _ => x.checked_rem(*y),
            };
            r.map(Val::Int).ok_or_else(overflow)
        }
        (Val::Int(x), Val::Float(y)) => float(*x as f64, *y),
        (Val::Float(x), Val::Int(y)) => float(*x, *y as f64),
        (Val::Float(x), Val::Float(y)) => float(*x, *y),
        (Val::Str(x), Val::Str(y)) if op == "_+_" => Ok(Val::text(&format!("{x}{y}"))),
        (Val::List(x), Val::List(y)) if op == "_+_" => {
            Ok(Val::list(x.iter().chain(y.iter()).cloned().collect()))
        }
        _ => Err(format!(
            "no arithmetic `{}` on {} and {}",
            op.trim_matches('_'),
            a.show(),
            b.show()
        )),
    }
}

/// `a in b`: membership in a list (three-valued) or among a map's keys.
fn member(a: &Val, b: &Val) -> Tri {
    match b {
        Val::List(items) => items
            .iter()
            .fold(Tri::False, |acc, item| or(acc, equal(a, item))),
        Val::Map(m) => match a {
            Val::Str(k) => {
                if m.contains_key(&**k) {
                    Tri::True
                } else {
                    Tri::False
                }
            }
            other => match other.missing() {
                Some(miss) => Tri::Unknown(miss),
                None => Tri::Error(format!("a map key cannot be {}", other.show())),
            },
        },
        other => match other.missing() {
            Some(m) => Tri::Unknown(m),
            None => Tri::Error(format!("cannot test membership in {}", other.show())),
        },
    }
}
