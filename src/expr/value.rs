//! The values a condition computes with: CEL's data (null, booleans, numbers, text, lists, maps)
//! plus the two states of a fact that is not a value. [`Val::NotReported`] is a fact the
//! government gave no data on: it equals `null` (so `x == null` decides) and is unknown to every
//! other operation. [`Val::Unknown`] is a fact the facts file does not state: every operation on
//! it is unknown, except where three-valued logic decides without it (`false && x`). Both carry
//! the fact paths they stand for, so an undecided result names the evidence it lacked.

use std::collections::BTreeSet;
use std::sync::Arc;

use indexmap::IndexMap;

/// The fact paths an unknown result depends on, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Missing(Arc<BTreeSet<String>>);

impl Missing {
    pub fn one(path: &str) -> Missing {
        Missing(Arc::new(BTreeSet::from([path.to_string()])))
    }

    pub fn union(&self, other: &Missing) -> Missing {
        if other.0.is_subset(&self.0) {
            return self.clone();
        }
        if self.0.is_subset(&other.0) {
            return other.clone();
        }
        Missing(Arc::new(self.0.union(&other.0).cloned().collect()))
    }

    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.0.iter()
    }
}

/// A value in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    List(Arc<Vec<Val>>),
    Map(Arc<IndexMap<String, Val>>),
    /// A fact stated as `not_reported`, with its path.
    NotReported(Arc<str>),
    /// A fact not stated, or a value computed from one.
    Unknown(Missing),
}

impl Val {
    pub fn text(s: &str) -> Val {
        Val::Str(Arc::from(s))
    }

    pub fn list(items: Vec<Val>) -> Val {
        Val::List(Arc::new(items))
    }

    pub fn map(entries: IndexMap<String, Val>) -> Val {
        Val::Map(Arc::new(entries))
    }

    pub fn unknown(path: &str) -> Val {
        Val::Unknown(Missing::one(path))
    }

    pub fn not_reported(path: &str) -> Val {
        Val::NotReported(Arc::from(path))
    }

    /// Convert JSON-like data (maps keyed by text).
    pub fn from_json(value: &serde_json::Value) -> Val {
        match value {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Bool(*b),
            serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Val::Int(i),
                (None, Some(f)) => Val::Float(f),
                _ => Val::Null,
            },
            serde_json::Value::String(s) => Val::text(s),
            serde_json::Value::Array(items) => {
                Val::list(items.iter().map(Val::from_json).collect())
            }
            serde_json::Value::Object(map) => Val::map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Val::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// What an unknown value lacks: the missing facts, or the unreported one.
    pub fn missing(&self) -> Option<Missing> {
        match self {
            Val::Unknown(m) => Some(m.clone()),
            Val::NotReported(p) => Some(Missing::one(p)),
            _ => None,
        }
    }

    /// Whether the value is fully known (no unknown part inside).
    pub fn is_known(&self) -> bool {
        match self {
            Val::Unknown(_) | Val::NotReported(_) => false,
            Val::List(items) => items.iter().all(Val::is_known),
            Val::Map(m) => m.values().all(Val::is_known),
            _ => true,
        }
    }

    /// Every missing fact inside the value.
    pub fn missing_inside(&self) -> Missing {
        match self {
            Val::Unknown(m) => m.clone(),
            Val::NotReported(p) => Missing::one(p),
            Val::List(items) => items
                .iter()
                .fold(Missing::default(), |acc, v| acc.union(&v.missing_inside())),
            Val::Map(m) => m
                .values()
                .fold(Missing::default(), |acc, v| acc.union(&v.missing_inside())),
            _ => Missing::default(),
        }
    }

    /// CEL's name of the value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Float(_) => "double",
            Val::Str(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) => "map",
            Val::NotReported(_) => "not_reported",
            Val::Unknown(_) => "unknown",
        }
    }

    /// The value as shown in messages.
    pub fn show(&self) -> String {
        match self {
            Val::Null => "null".into(),
            Val::Bool(b) => b.to_string(),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => f.to_string(),
            Val::Str(s) => format!("'{s}'"),
            Val::List(items) => format!(
                "[{}]",
                items.iter().map(Val::show).collect::<Vec<_>>().join(", ")
            ),
            Val::Map(m) => format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, v)| format!("'{k}': {}", v.show()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Val::NotReported(_) => "not_reported".into(),
            Val::Unknown(_) => "unknown".into(),
        }
    }
}
