//! JSON Schemas for editors (`tiercheck schema`): the facts-file schema, generated from the fact
//! catalog of a rulebook, and the rule-file schemas, generated with schemars from the same
//! `rulebook::schema` types the loader parses. A YAML language server uses them for completion
//! and validation while people type; the loader stays the authority (it also checks references).
//!
//! All schemas are draft-07, the draft every YAML language server supports. The committed copies
//! live in `rules/schema/` ([`committed_files`]); a test fails when they are stale.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use crate::facts::MAX_COUNT;
use crate::rulebook::schema::{
    CatalogFile, CriteriaFile, DecisionFile, FactKind, PillarsFile, RulesetFile,
};
use crate::rulebook::Rulebook;
use crate::ruletest::TestFile;

const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// Rule files with a schema, by the name of the file (`criteria` -> `criteria.yaml`).
pub const RULE_FILES: &[&str] = &[
    "ruleset",
    "facts",
    "standards",
    "criteria",
    "pillars",
    "decision",
    "tests",
    "claims",
    "style",
    "checks",
];

/// The schema of facts files (`reports/<year>/<country>.yaml`) for a rulebook's catalog.
pub fn facts_schema(rules: &Rulebook) -> Value {
    let mut m = Map::new();
    m.insert("$schema".into(), json!(DRAFT));
    m.insert("title".into(), json!("tiercheck facts file"));
    m.insert(
        "description".into(),
        json!(format!(
            "The facts of one country and report year. Generated from the fact catalog of `{}` (version {}) by `tiercheck schema facts`.",
            rules.name, rules.version
        )),
    );
    if let Value::Object(doc) = facts_document(rules, false) {
        m.extend(doc);
    }
    m.insert("definitions".into(), definitions(false));
    Value::Object(m)
}

/// The facts-file object; as a `fragment` (a rule test's `input` or `base`) nothing is required
/// and `~` is allowed everywhere, to remove a value of the base.
fn facts_document(rules: &Rulebook, fragment: bool) -> Value {
    let mut tiers: Vec<Value> = rules.tiers.iter().map(|t| json!(t.id)).collect();
    tiers.extend(
        rules
            .tiers
            .iter()
            .filter_map(|t| t.id.parse::<i64>().ok())
            .map(|n| json!(n)),
    );
    let first_year = rules.report_years.as_ref().map_or(1900, |y| y.first);
    let prefix = if fragment {
        "#/definitions/facts_"
    } else {
        "#/definitions/"
    };
    let mut doc = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "country": {"type": "string", "description": "The country or territory, as named in the report"},
            "year": {"type": "integer", "minimum": first_year, "maximum": 2200, "description": "The report year (from the first report; the loader also rejects a year too far ahead)"},
            "period": {"type": "integer", "minimum": 1900, "maximum": 2200, "description": "The year the figures are about; default: year - 1"},
            "history": {
                "type": "array",
                "description": "Earlier placements, any order",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["year", "tier"],
                    "properties": {
                        "year": {"type": "integer", "minimum": 1900, "maximum": 2200, "description": "The report year of the placement"},
                        "tier": {"enum": tiers, "description": tier_help(rules)},
                        "waiver": {"type": "boolean", "description": "The downgrade was waived that year (default false)"}
                    }
                }
            },
            "downgrade_waiver": {"type": "boolean", "description": "A waiver is granted this year if one is needed (default false)"},
            "special_case": {"type": "boolean", "description": "The country is a special case and gets no tier (default false)"},
            "facts": if fragment {
                group(rules, "", prefix, fragment)
            } else {
                json!({
                    "description": "The facts, nested by catalog path (`~`: none)",
                    "anyOf": [
                        with_title(group(rules, "", prefix, fragment), "facts"),
                        {"type": "null", "title": "no facts"}
                    ]
                })
            }
        }
    });
    if fragment {
        if let Some(props) = doc
            .pointer_mut("/properties")
            .and_then(Value::as_object_mut)
        {
            for v in props.values_mut() {
                *v = nullable(v.take());
            }
        }
    } else if let Some(o) = doc.as_object_mut() {
        o.insert("required".into(), json!(["country", "year"]));
    }
    doc
}

fn tier_help(rules: &Rulebook) -> String {
    let list: Vec<String> = rules
        .tiers
        .iter()
        .map(|t| format!("`{}` {}", t.id, t.label))
        .collect();
    format!("Tier id: {}", list.join(", "))
}

/// A schema with a title, which a YAML language server names in its messages.
fn with_title(mut v: Value, title: &str) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.insert("title".into(), json!(title));
    }
    v
}

fn nullable(v: Value) -> Value {
    json!({"anyOf": [v, {"type": "null"}]})
}

/// The mapping of facts under a group prefix ("" for `facts:` itself).
fn group(rules: &Rulebook, prefix: &str, defs: &str, fragment: bool) -> Value {
    let mut props = Map::new();
    for name in rules.catalog.children(prefix) {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let schema = match rules.catalog.get(&path) {
            Some(def) => {
                let mut description = def
                    .description
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                description.push_str(&format!(" ({}", kind_name(def.kind)));
                if let Some(n) = &def.noun {
                    description.push_str(&format!(", counted as \"{n}\""));
                }
                description.push_str("; a value, `not_reported`, or `{value, previous, note}`)");
                match def.kind {
                    FactKind::Enum => {
                        // Each enum has its own values, so its forms are spelled out here.
                        let value = json!({"title": "enum value", "enum": def.values.clone().unwrap_or_default()});
                        let mut forms = fact_forms(value, &format!("{defs}not_reported"));
                        if fragment {
                            forms.push(
                                json!({"title": "~ (remove the base value)", "type": "null"}),
                            );
                        }
                        json!({"description": description, "anyOf": forms})
                    }
                    k => {
                        json!({"description": description, "allOf": [{"$ref": format!("{defs}{}_fact", kind_name(k))}]})
                    }
                }
            }
            None => {
                let mut g = group(rules, &path, defs, fragment);
                if let Some(o) = g.as_object_mut() {
                    o.insert("description".into(), json!(format!("Facts under `{path}`")));
                }
                if fragment {
                    g = nullable(g);
                }
                g
            }
        };
        props.insert(name, schema);
    }
    json!({"type": "object", "additionalProperties": false, "properties": props})
}

fn kind_name(k: FactKind) -> &'static str {
    match k {
        FactKind::Count => "count",
        FactKind::Money => "money",
        FactKind::Boolean => "boolean",
        FactKind::Enum => "enum",
        FactKind::Year => "year",
        FactKind::Text => "text",
        FactKind::TextList => "text_list",
    }
}

/// The three forms of a fact: a value, `not_reported`, or `{value, previous, note}`; each
/// titled, so an editor's message names the forms it expected.
fn fact_forms(value: Value, not_reported: &str) -> Vec<Value> {
    let reading = |period: &str| {
        json!({
            "description": format!("The value of the {period} reporting period, or `not_reported`"),
            "anyOf": [value.clone(), {"title": "not_reported", "allOf": [{"$ref": not_reported}]}]
        })
    };
    vec![
        value.clone(),
        json!({"title": "not_reported", "description": "The government gave no data", "allOf": [{"$ref": not_reported}]}),
        json!({
            "title": "{value, previous, note}",
            "description": "The current and previous period's values and a note; at least one of them",
            "type": "object",
            "additionalProperties": false,
            "minProperties": 1,
            "properties": {
                "value": reading("current"),
                "previous": reading("previous"),
                "note": {"type": "string", "description": "Where the figure comes from, or what qualifies it"}
            }
        }),
    ]
}

/// Value forms of facts, named by fact type (`count`), and the forms of a fact of each type
/// (`count_fact`). In a fragment (`facts_` prefix) a fact may also be `~`.
fn definitions(fragment: bool) -> Value {
    let p = if fragment { "facts_" } else { "" };
    let values = [
        (
            "count",
            json!({
                "title": "count",
                "description": format!("A whole number from 0 to {MAX_COUNT} (2^53 - 1, the largest JSON readers hold exactly)"),
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_COUNT
            }),
        ),
        (
            "money",
            json!({
                "title": "money",
                "description": "`{amount, currency, usd}`",
                "type": "object",
                "additionalProperties": false,
                "required": ["amount", "currency"],
                "properties": {
                    "amount": {"type": "number", "minimum": 0, "description": "Amount in the local currency"},
                    "currency": {"type": "string", "description": "Currency as the narrative names it (`Tajikistani somoni`)"},
                    "usd": {"type": ["number", "null"], "minimum": 0, "description": "The amount in US dollars (`~`: not known)"}
                }
            }),
        ),
        (
            "boolean",
            json!({"title": "boolean", "description": "`true` or `false`", "type": "boolean"}),
        ),
        (
            "year",
            json!({"title": "year", "description": "A year from 1900 to 2200", "type": "integer", "minimum": 1900, "maximum": 2200}),
        ),
        (
            "text",
            json!({"title": "text", "description": "Text", "type": "string"}),
        ),
        (
            "text_list",
            json!({"title": "text list", "description": "A list of texts", "type": "array", "items": {"type": "string"}}),
        ),
    ];
    let not_reported = format!("#/definitions/{p}not_reported");
    let mut m = Map::new();
    m.insert(
        format!("{p}not_reported"),
        json!({"title": "not_reported", "const": "not_reported", "description": "The government gave no data"}),
    );
    for (name, v) in &values {
        m.insert(format!("{p}{name}"), v.clone());
    }
    for (name, _) in &values {
        let mut forms = fact_forms(
            json!({"$ref": format!("#/definitions/{p}{name}")}),
            &not_reported,
        );
        if fragment {
            forms.push(json!({"title": "~ (remove the base value)", "type": "null"}));
        }
        m.insert(
            format!("{p}{name}_fact"),
            json!({
                "title": format!("{} fact", name.replace('_', " ")),
                "description": format!("A {} value, `not_reported`, or `{{value, previous, note}}`", name.replace('_', " ")),
                "anyOf": forms
            }),
        );
    }
    Value::Object(m)
}

fn settings() -> SchemaSettings {
    SchemaSettings::draft07().for_deserialize()
}

fn root<T: JsonSchema>(title: &str, description: &str) -> Value {
    let generated = settings()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    let mut m = Map::new();
    m.insert("$schema".into(), json!(DRAFT));
    m.insert("title".into(), json!(title));
    m.insert("description".into(), json!(description));
    if let Value::Object(g) = generated {
        for (k, v) in g {
            if !m.contains_key(&k) {
                m.insert(k, v);
            }
        }
    }
    Value::Object(m)
}

/// The schema of one rule file (`criteria` for `criteria.yaml`; see [`RULE_FILES`]).
pub fn rule_file_schema(rules: &Rulebook, file: &str) -> Option<Value> {
    let name = file.trim_end_matches(".yaml");
    let described = |what: &str| {
        format!(
            "tiercheck rules: `{name}.yaml`, {what}. Generated by `tiercheck schema rules {name}`."
        )
    };
    Some(match name {
        "ruleset" => root::<RulesetFile>(
            "tiercheck ruleset.yaml",
            &described("tiers, pillars, trend thresholds and params"),
        ),
        "facts" => root::<CatalogFile>("tiercheck facts.yaml", &described("the fact catalog")),
        "standards" => root::<CriteriaFile>(
            "tiercheck standards.yaml",
            &described("the minimum standards and their indicators"),
        ),
        "criteria" => root::<CriteriaFile>(
            "tiercheck criteria.yaml",
            &described("the criteria and their indicators"),
        ),
        "pillars" => {
            root::<PillarsFile>("tiercheck pillars.yaml", &described("pillar trend signals"))
        }
        "decision" => root::<DecisionFile>(
            "tiercheck decision.yaml",
            &described("the tier decision stages"),
        ),
        "tests" => tests_schema(rules, &described("rule test cases")),
        "claims" => root::<crate::claims::ClaimsYaml>(
            "tiercheck claims.yaml",
            &described("the patterns `check` and `extract` read narratives with"),
        ),
        "style" => root::<crate::check::style::StyleYaml>(
            "tiercheck style.yaml",
            &described("the language rules of `check`"),
        ),
        "checks" => root::<crate::check::docs::DocsYaml>(
            "tiercheck checks.yaml",
            &described("the documentation, severity and help of each check code"),
        ),
        _ => return None,
    })
}

/// The test-file schema, with `base` and `input` typed as facts fragments of the catalog.
fn tests_schema(rules: &Rulebook, description: &str) -> Value {
    let mut v = root::<TestFile>("tiercheck rules/tests/*.yaml", description);
    let fragment = facts_document(rules, true);
    let fragment_ref = json!({"$ref": "#/definitions/facts_fragment"});
    if let Some(p) = v.pointer_mut("/properties/base") {
        *p = json!({"description": "A facts fragment every case of this file starts from", "allOf": [fragment_ref.clone()]});
    }
    if let Some(p) = v.pointer_mut("/definitions/TestCase/properties/input") {
        *p = json!({"description": "A facts fragment merged over `base`; `~` removes a value", "allOf": [fragment_ref]});
    }
    if let Some(defs) = v.get_mut("definitions").and_then(Value::as_object_mut) {
        defs.insert("facts_fragment".into(), fragment);
        if let Some(forms) = definitions(true).as_object() {
            for (k, f) in forms {
                defs.insert(k.clone(), f.clone());
            }
        }
    }
    v
}

/// Every rule-file schema in one document, under `definitions`, for tools that take one schema.
pub fn rules_schema(rules: &Rulebook) -> Value {
    let mut defs = Map::new();
    let mut any = Vec::new();
    for name in RULE_FILES {
        let Some(mut s) = rule_file_schema(rules, name) else {
            continue;
        };
        let key = format!("{name}.yaml");
        if let Some(o) = s.as_object_mut() {
            o.remove("$schema");
            // Each file's own definitions move under a prefix so names cannot collide.
            if let Some(Value::Object(inner)) = o.remove("definitions") {
                let text = serde_json::to_string(&Value::Object(o.clone())).unwrap_or_default();
                let moved = text.replace("\"#/definitions/", &format!("\"#/definitions/{name}_"));
                if let Ok(Value::Object(mo)) = serde_json::from_str::<Value>(&moved) {
                    *o = mo;
                }
                for (k, d) in inner {
                    let t = serde_json::to_string(&d).unwrap_or_default();
                    let t = t.replace("\"#/definitions/", &format!("\"#/definitions/{name}_"));
                    defs.insert(
                        format!("{name}_{k}"),
                        serde_json::from_str(&t).unwrap_or(Value::Null),
                    );
                }
            }
        }
        any.push(json!({"$ref": format!("#/definitions/{key}")}));
        defs.insert(key, s);
    }
    json!({
        "$schema": DRAFT,
        "title": "tiercheck rule files",
        "description": format!(
            "Every rule file of `{}`: the definition named after a file (`criteria.yaml`) is its schema. Generated by `tiercheck schema rules`.",
            rules.name
        ),
        "anyOf": any,
        "definitions": defs,
    })
}

/// The files committed under `rules/schema/`, by file name, with their text.
pub fn committed_files(rules: &Rulebook) -> Vec<(String, String)> {
    let mut out = vec![(
        "facts.schema.json".to_string(),
        pretty(&facts_schema(rules)),
    )];
    for name in RULE_FILES {
        if let Some(s) = rule_file_schema(rules, name) {
            out.push((format!("rules.{name}.schema.json"), pretty(&s)));
        }
    }
    out.push((
        "rules.schema.json".to_string(),
        pretty(&rules_schema(rules)),
    ));
    out.extend(crate::output_json::committed_files(rules));
    out
}

/// Pretty JSON with a final newline.
pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .unwrap_or_default()
}
