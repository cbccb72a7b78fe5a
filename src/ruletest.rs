//! Rule tests: YAML cases under `<rules>/tests/*.yaml`, each a facts fragment (or a facts file)
//! and the outcome the rules must give it, in the spirit of OpenFisca's YAML tests and `opa test`.
//!
//! Sits beside the evaluator: [`load`] reads and validates every case against the rulebook (ids
//! resolved, facts checked against the catalog), [`run`] evaluates them and compares, and
//! [`Coverage`] records which indicators, signals and tier rules some case made fire. The
//! `tiercheck rules test` command (`commands/test.rs`) only prints what this module returns.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_yaml::Value as Yaml;

use crate::assessment::{Assessment, Outcome};
use crate::diagnostic::Diagnostic;
use crate::facts::Facts;
use crate::rulebook::{Origin, Rulebook};
use crate::source::SourceFile;
use crate::yaml::{self, did_you_mean, SpanIndex};

/// `tests/*.yaml`: rule test cases.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// A facts fragment every case of this file starts from (same shape as a facts file); a
    /// case's `input` is merged over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub base: Option<Yaml>,
    pub cases: Vec<TestCase>,
}

/// One case: what goes in, what must come out.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// What the case shows, in a few words; printed with its result.
    pub name: String,
    /// A facts fragment (`country`, `year`, `history`, `downgrade_waiver`, `special_case`,
    /// `facts`), merged over the file's `base`: mappings merge key by key, anything else
    /// replaces, and `~` removes a fact of the base (it becomes unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub input: Option<Yaml>,
    /// A facts file instead of `input`, relative to the current folder (or to the folder that
    /// holds the rules folder); its previous-year file is read as `assess` reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts_file: Option<String>,
    pub expect: Expect,
}

/// The outcome a case expects; everything left out is not checked.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Tier id (`2WL`) or label (`Tier 2 Watch List`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Scalar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movement: Option<MovementName>,
    /// The exact set of flags the tier rules set (`[]`: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<String>>,
    /// Pillar id -> trend.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub pillars: IndexMap<String, TrendName>,
    /// Standard or criterion id -> status.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub criteria: IndexMap<String, StatusName>,
    /// Indicators that must fire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    /// Indicators that must not fire (not fired, or undecided).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_findings: Vec<String>,
    /// Pillar signals that must fire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<String>,
    /// Pillar signals that must not fire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_signals: Vec<String>,
    /// Tier rules that must apply (one per stage at most).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tier_rules: Vec<String>,
    /// The exact set of evidence requirements (decision.yaml `evidence`) the facts do not meet
    /// (`[]`: none, the verdict stands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_evidence: Option<Vec<String>>,
    /// Dated rules (indicators, signals, tier rules) -> the report years of the version that
    /// must have applied (`2004-2018`, `2019-`); the rule must have run (fired, or for an
    /// indicator at least been evaluated).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub versions: IndexMap<String, String>,
}

/// A tier id as YAML may write it: `"2WL"`, `2`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    Int(i64),
    Text(String),
}

impl Scalar {
    pub fn text(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Text(s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MovementName {
    Remained,
    Upgraded,
    Downgraded,
    New,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrendName {
    Increased,
    Maintained,
    Decreased,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusName {
    Met,
    PartiallyMet,
    NotMet,
    Unknown,
}

fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A validated case, ready to run.
#[derive(Debug)]
pub struct Case {
    pub name: String,
    /// The test file and where the case starts in it.
    pub file: Arc<SourceFile>,
    pub span: Range<usize>,
    /// YAML path of the case (`cases[3]`), for locating its expectations.
    pub path: String,
    pub spans: Arc<SpanIndex>,
    pub facts: CaseFacts,
    pub expect: Expect,
}

#[derive(Debug)]
pub enum CaseFacts {
    Inline(Box<Facts>),
    File(PathBuf),
}

/// One expectation that did not hold.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What was checked (`tier`, `finding \`no-convictions\``).
    pub what: String,
    pub expected: String,
    pub actual: String,
    /// Why the actual value is what it is (the rule that decided, the indicator's evidence).
    pub context: Option<String>,
    /// Where the expectation is written.
    pub span: Range<usize>,
}

/// The result of one case.
#[derive(Debug)]
pub struct CaseResult {
    pub name: String,
    pub failures: Vec<Failure>,
    /// Set when the case could not be evaluated (a facts file that does not load).
    pub error: Vec<Diagnostic>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.error.is_empty()
    }
}

/// What fired across all cases.
#[derive(Debug, Default)]
pub struct Coverage {
    pub indicators: IndexMap<String, bool>,
    pub signals: IndexMap<String, bool>,
    pub tier_rules: IndexMap<String, bool>,
}

impl Coverage {
    pub fn new(rules: &Rulebook) -> Self {
        Coverage {
            indicators: rules
                .indicators()
                .flat_map(|(_, i)| version_keys(&i.id, &i.versions))
                .map(|k| (k, false))
                .collect(),
            signals: rules
                .signals
                .iter()
                .flat_map(|s| version_keys(&s.id, &s.versions))
                .map(|k| (k, false))
                .collect(),
            tier_rules: rules
                .tier_rules()
                .flat_map(|(_, r)| version_keys(&r.id, &r.versions))
                .map(|k| (k, false))
                .collect(),
        }
    }

    /// Record what fired in one assessment.
    pub fn record(&mut self, a: &Assessment) {
        for c in a.standards.iter().chain(&a.criteria) {
            for i in c.indicators.iter().filter(|i| i.outcome == Outcome::Fired) {
                if let Some(v) = self.indicators.get_mut(&version_key(&i.id, &i.version)) {
                    *v = true;
                }
            }
        }
        for p in a.pillars.values() {
            for s in &p.signals {
                if let Some(v) = self.signals.get_mut(&version_key(&s.id, &s.version)) {
                    *v = true;
                }
            }
        }
        for step in &a.trace {
            if let Some(r) = step
                .rule
                .as_ref()
                .and_then(|r| self.tier_rules.get_mut(&version_key(r, &step.version)))
            {
                *r = true;
            }
        }
    }

    /// Every rule (every version of a dated rule) no case made fire, as (kind, id, where it is
    /// written), in rule order.
    pub fn uncovered<'r>(&self, rules: &'r Rulebook) -> Vec<(&'static str, String, &'r Origin)> {
        let mut out = Vec::new();
        for (_, i) in rules.indicators() {
            for k in version_keys(&i.id, &i.versions) {
                if self.indicators.get(&k) == Some(&false) {
                    out.push(("indicator", k, &i.origin));
                }
            }
        }
        for s in &rules.signals {
            for k in version_keys(&s.id, &s.versions) {
                if self.signals.get(&k) == Some(&false) {
                    out.push(("signal", k, &s.origin));
                }
            }
        }
        for (_, r) in rules.tier_rules() {
            for k in version_keys(&r.id, &r.versions) {
                if self.tier_rules.get(&k) == Some(&false) {
                    out.push(("tier rule", k, &r.origin));
                }
            }
        }
        out
    }

    /// (covered, total) for indicators, signals and tier rules.
    pub fn counts(&self) -> [(usize, usize); 3] {
        let c = |m: &IndexMap<String, bool>| (m.values().filter(|v| **v).count(), m.len());
        [c(&self.indicators), c(&self.signals), c(&self.tier_rules)]
    }
}

/// Coverage keys of a rule: its id, or one per version of a dated rule
/// (`law-enforcement-data-not-provided (2004-2018)`).
fn version_keys(id: &str, versions: &[crate::rulebook::Version]) -> Vec<String> {
    versions
        .iter()
        .map(|v| version_key(id, &v.label()))
        .collect()
}

fn version_key(id: &str, version: &Option<String>) -> String {
    match version {
        Some(v) => format!("{id} ({v})"),
        None => id.to_string(),
    }
}

/// The test files of a rule set: every `tests/*.yaml` of its folder (or of the bundled rules).
pub fn test_files(rules: &Rulebook) -> Vec<Arc<SourceFile>> {
    rules
        .files
        .files
        .iter()
        .filter(|(name, _)| name.starts_with("tests/"))
        .map(|(_, f)| Arc::clone(f))
        .collect()
}

/// Where relative `facts_file` paths are looked up: the current folder, then the folder that
/// holds the rules folder (so `--rules other/rules` finds `other/reports/...`).
#[derive(Debug, Clone, Default)]
pub struct Roots(pub Vec<PathBuf>);

impl Roots {
    pub fn for_rules(rules_dir: Option<&Path>) -> Self {
        let mut roots = vec![PathBuf::new()];
        if let Some(parent) = rules_dir.and_then(|d| d.parent()) {
            if !parent.as_os_str().is_empty() {
                roots.push(parent.to_path_buf());
            }
        }
        Roots(roots)
    }

    fn resolve(&self, rel: &str) -> PathBuf {
        let p = Path::new(rel);
        if p.is_absolute() {
            return p.to_path_buf();
        }
        for r in &self.0 {
            let c = r.join(p);
            if c.is_file() {
                return c;
            }
        }
        p.to_path_buf()
    }
}

/// Read and validate every case of the given test files. All problems are returned together.
pub fn load(
    rules: &Rulebook,
    files: &[Arc<SourceFile>],
    roots: &Roots,
) -> Result<Vec<Case>, Vec<Diagnostic>> {
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        let (tf, spans): (TestFile, SpanIndex) = match yaml::load(file) {
            Ok(x) => x,
            Err(mut ds) => {
                problems.append(&mut ds);
                continue;
            }
        };
        let spans = Arc::new(spans);
        if tf.cases.is_empty() {
            problems.push(
                Diagnostic::error("empty-tests", format!("`{}` has no test cases", file.name))
                    .at(file, spans.key_span("cases"))
                    .with_help(
                        "add cases: `- name: ...`, `input:` or `facts_file:`, and `expect:`",
                    ),
            );
        }
        if let Some(base) = &tf.base {
            if !matches!(base, Yaml::Mapping(_)) {
                problems.push(
                    Diagnostic::error(
                        "wrong-type",
                        "`base` must be a mapping shaped like a facts file",
                    )
                    .at(file, spans.value_span("base")),
                );
                continue;
            }
        }
        let mut names: IndexMap<String, Range<usize>> = IndexMap::new();
        for (i, tc) in tf.cases.iter().enumerate() {
            let at = format!("cases[{i}]");
            let name_span = spans.value_span(&format!("{at}.name"));
            if tc.name.trim().is_empty() {
                problems.push(
                    Diagnostic::error("missing-field", "a test case needs a `name`")
                        .at(file, name_span.clone()),
                );
            }
            if let Some(first) = names.get(&tc.name) {
                problems.push(
                    Diagnostic::error(
                        "duplicate-id",
                        format!("two test cases are named `{}`", tc.name),
                    )
                    .at(file, name_span.clone())
                    .with_related(file, first.clone(), "first here")
                    .with_help("give each case its own name, so a failure points at one case"),
                );
            } else {
                names.insert(tc.name.clone(), name_span.clone());
            }
            let mut ok = validate_expect(
                rules,
                &tc.expect,
                file,
                &spans,
                &format!("{at}.expect"),
                &mut problems,
            );
            let facts = match (&tc.input, &tc.facts_file) {
                (Some(_), Some(_)) | (None, None) => {
                    problems.push(
                        Diagnostic::error(
                            "bad-test-case",
                            format!(
                                "case `{}` needs exactly one of `input` and `facts_file`",
                                tc.name
                            ),
                        )
                        .at(file, spans.key_span(&at))
                        .with_help(
                            "`input:` holds a facts fragment; `facts_file:` names a facts file",
                        ),
                    );
                    None
                }
                (None, Some(path)) => {
                    let resolved = roots.resolve(path);
                    if !resolved.is_file() {
                        problems.push(
                            Diagnostic::error("io-error", format!("facts file `{path}` does not exist"))
                                .at(file, spans.value_span(&format!("{at}.facts_file")))
                                .with_help("the path is taken relative to the current folder (or to the folder holding the rules folder)"),
                        );
                        None
                    } else {
                        Some(CaseFacts::File(resolved))
                    }
                }
                (Some(input), None) => {
                    match inline_facts(rules, file, &spans, tf.base.as_ref(), input, &at, i) {
                        Ok(f) => Some(CaseFacts::Inline(Box::new(f))),
                        Err(mut ds) => {
                            problems.append(&mut ds);
                            None
                        }
                    }
                }
            };
            ok &= facts.is_some();
            if let (true, Some(facts)) = (ok, facts) {
                cases.push(Case {
                    name: tc.name.clone(),
                    file: Arc::clone(file),
                    span: spans.key_span(&at),
                    path: at,
                    spans: Arc::clone(&spans),
                    facts,
                    expect: tc.expect.clone(),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(cases)
    } else {
        Err(problems)
    }
}

/// Merge `over` into `base`: mappings key by key, `~` removes a key, anything else replaces.
pub fn merge(base: &Yaml, over: &Yaml) -> Yaml {
    match (base, over) {
        (Yaml::Mapping(b), Yaml::Mapping(o)) => {
            let mut out = b.clone();
            for (k, v) in o {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = match out.get(k) {
                        Some(old) => merge(old, v),
                        None => strip_nulls(v),
                    };
                    out.insert(k.clone(), merged);
                }
            }
            Yaml::Mapping(out)
        }
        _ => strip_nulls(over),
    }
}

fn strip_nulls(v: &Yaml) -> Yaml {
    match v {
        Yaml::Mapping(m) => Yaml::Mapping(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Validate an inline facts fragment: merge it over the base, write it out as a facts file in
/// memory, parse that, and point any problem back at the case (or the base) in the test file.
fn inline_facts(
    rules: &Rulebook,
    file: &Arc<SourceFile>,
    spans: &SpanIndex,
    base: Option<&Yaml>,
    input: &Yaml,
    at: &str,
    index: usize,
) -> Result<Facts, Vec<Diagnostic>> {
    let input_path = format!("{at}.input");
    if !matches!(input, Yaml::Mapping(_)) {
        return Err(vec![Diagnostic::error(
            "wrong-type",
            "`input` must be a mapping shaped like a facts file",
        )
        .at(file, spans.value_span(&input_path))]);
    }
    let merged = match base {
        Some(b) => merge(b, input),
        None => strip_nulls(input),
    };
    let text = serde_yaml::to_string(&merged).map_err(|e| {
        vec![Diagnostic::error(
            "yaml-invalid",
            format!(
                "cannot read the case's facts: {}",
                e.to_string().to_lowercase()
            ),
        )
        .at(file, spans.value_span(&input_path))]
    })?;
    let synth = SourceFile::new(format!("{}#case-{}", file.name, index + 1), text);
    Facts::parse(&synth, Path::new(&synth.name), rules).map_err(|ds| {
        let synth_spans = yaml::index(&synth).unwrap_or_default();
        ds.into_iter()
            .map(|d| {
                relocate(
                    d,
                    &synth,
                    &synth_spans,
                    file,
                    spans,
                    &[input_path.clone(), "base".to_string()],
                )
            })
            .collect()
    })
}

/// Move a diagnostic found in a synthesized facts document to the same YAML path in the test
/// file, under the first of `prefixes` that has it.
fn relocate(
    mut d: Diagnostic,
    synth: &Arc<SourceFile>,
    synth_spans: &SpanIndex,
    file: &Arc<SourceFile>,
    spans: &SpanIndex,
    prefixes: &[String],
) -> Diagnostic {
    let Some(loc) = d.location.as_ref().filter(|l| Arc::ptr_eq(&l.file, synth)) else {
        return d;
    };
    // The node the diagnostic points at: the smallest key or value span containing its start.
    let start = loc.span.start;
    let mut best: Option<(String, bool, usize)> = None;
    for path in synth_spans.paths() {
        let Some(n) = synth_spans.get(path) else {
            continue;
        };
        for (is_key, span) in [(true, n.key.clone()), (false, Some(n.value.clone()))] {
            let Some(s) = span else { continue };
            if s.start <= start && start <= s.end && !path.is_empty() {
                let len = s.end - s.start;
                if best.as_ref().is_none_or(|(_, _, l)| len < *l) {
                    best = Some((path.to_string(), is_key, len));
                }
            }
        }
    }
    let mut span = spans.value_span(&prefixes[0]);
    if let Some((path, is_key, _)) = best {
        for p in prefixes {
            let full = format!("{p}.{path}");
            if spans.get(&full).is_some() {
                span = if is_key {
                    spans.key_span(&full)
                } else {
                    spans.value_span(&full)
                };
                break;
            }
        }
    }
    d.location = None;
    d = d.at(file, span);
    d.related.clear();
    d
}

fn validate_expect(
    rules: &Rulebook,
    e: &Expect,
    file: &Arc<SourceFile>,
    spans: &SpanIndex,
    at: &str,
    problems: &mut Vec<Diagnostic>,
) -> bool {
    let before = problems.len();
    let mut check = |what: &str, id: &str, known: &[&str], path: String| {
        if !known.contains(&id) {
            let help = match did_you_mean(id, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if known.len() <= 12 => format!(
                    "expected one of {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => {
                    format!("no {what} is named `{id}`; `tiercheck rules lint` lists the rules")
                }
            };
            problems.push(
                Diagnostic::error("unknown-reference", format!("unknown {what} `{id}`"))
                    .at(file, spans.value_span(&path))
                    .with_help(help),
            );
        }
    };
    let indicators: Vec<&str> = rules.indicators().map(|(_, i)| i.id.as_str()).collect();
    let signals: Vec<&str> = rules.signals.iter().map(|s| s.id.as_str()).collect();
    let tier_rules: Vec<&str> = rules.tier_rules().map(|(_, r)| r.id.as_str()).collect();
    let criteria: Vec<&str> = rules
        .standards
        .iter()
        .chain(&rules.criteria)
        .map(|c| c.id.as_str())
        .collect();
    let pillars: Vec<&str> = rules.pillars.iter().map(|p| p.id.as_str()).collect();
    let tiers: Vec<&str> = rules.tiers.iter().map(|t| t.id.as_str()).collect();
    let mut flags: Vec<&str> = rules
        .tier_rules()
        .flat_map(|(_, r)| r.flags.iter().map(String::as_str))
        .collect();
    flags.sort_unstable();
    flags.dedup();
    if let Some(t) = &e.tier {
        let t = t.text();
        if !rules.tiers.iter().any(|x| x.label == t) {
            check("tier", &t, &tiers, format!("{at}.tier"));
        }
    }
    for (i, f) in e.flags.iter().flatten().enumerate() {
        check("flag", f, &flags, format!("{at}.flags[{i}]"));
    }
    for p in e.pillars.keys() {
        check("pillar", p, &pillars, format!("{at}.pillars.{p}"));
    }
    for c in e.criteria.keys() {
        check(
            "criterion or standard",
            c,
            &criteria,
            format!("{at}.criteria.{c}"),
        );
    }
    for (i, r) in e.missing_evidence.iter().flatten().enumerate() {
        let reqs: Vec<&str> = rules
            .evidence
            .requirements
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        check(
            "evidence requirement",
            r,
            &reqs,
            format!("{at}.missing_evidence[{i}]"),
        );
    }
    for id in e.versions.keys() {
        let all: Vec<&str> = indicators
            .iter()
            .chain(&signals)
            .chain(&tier_rules)
            .copied()
            .collect();
        check("rule", id, &all, format!("{at}.versions.{id}"));
    }
    for (key, list, known, what) in [
        ("findings", &e.findings, &indicators, "indicator"),
        ("no_findings", &e.no_findings, &indicators, "indicator"),
        ("signals", &e.signals, &signals, "signal"),
        ("no_signals", &e.no_signals, &signals, "signal"),
        ("tier_rules", &e.tier_rules, &tier_rules, "tier rule"),
    ] {
        for (i, id) in list.iter().enumerate() {
            check(what, id, known, format!("{at}.{key}[{i}]"));
        }
    }
    problems.len() == before
}

/// Evaluate one case and compare; records coverage.
pub fn run_case(rules: &Rulebook, case: &Case, coverage: &mut Coverage) -> CaseResult {
    let assessed = match &case.facts {
        CaseFacts::Inline(f) => Ok(crate::evaluate::evaluate(rules, f)),
        CaseFacts::File(p) => crate::assess_file(rules, p),
    };
    let a = match assessed {
        Ok(a) => a,
        Err(ds) => {
            return CaseResult {
                name: case.name.clone(),
                failures: Vec::new(),
                error: ds,
            }
        }
    };
    coverage.record(&a);
    CaseResult {
        name: case.name.clone(),
        failures: compare(rules, case, &a),
        error: Vec::new(),
    }
}

/// Every expectation of a case that the assessment does not meet.
pub fn compare(rules: &Rulebook, case: &Case, a: &Assessment) -> Vec<Failure> {
    let e = &case.expect;
    let at = format!("{}.expect", case.path);
    let span = |p: &str| case.spans.value_span(&format!("{at}.{p}"));
    let mut out = Vec::new();
    let decided_by = || {
        let rules_applied: Vec<String> = a
            .trace
            .iter()
            .filter_map(|s| s.rule.as_ref().map(|r| format!("`{r}` ({})", s.stage)))
            .collect();
        format!(
            "decided by {}; totals: score {}, key gaps {}, standards not met {}",
            if rules_applied.is_empty() {
                "no rule".to_string()
            } else {
                rules_applied.join(", then ")
            },
            a.totals.score,
            a.totals.key_gaps,
            a.totals.unmet_standards
        )
    };
    if let Some(t) = &e.tier {
        let want = t.text();
        let label = rules
            .tier(&a.tier)
            .map(|x| x.label.clone())
            .unwrap_or_default();
        if want != a.tier && want != label {
            out.push(Failure {
                what: "tier".into(),
                expected: want,
                actual: a.tier.clone(),
                context: Some(decided_by()),
                span: span("tier"),
            });
        }
    }
    if let Some(m) = e.movement {
        let want = name_of(&m);
        if want != a.movement.as_str() {
            out.push(Failure {
                what: "movement".into(),
                expected: want,
                actual: a.movement.as_str().to_string(),
                context: Some(format!(
                    "tier `{}`, last year `{}`",
                    a.tier,
                    a.previous_tier.as_deref().unwrap_or("none")
                )),
                span: span("movement"),
            });
        }
    }
    if let Some(flags) = &e.flags {
        let mut want = flags.clone();
        want.sort();
        let mut got = a.flags.clone();
        got.sort();
        if want != got {
            out.push(Failure {
                what: "flags".into(),
                expected: format!("[{}]", want.join(", ")),
                actual: format!("[{}]", got.join(", ")),
                context: Some(decided_by()),
                span: span("flags"),
            });
        }
    }
    for (p, want) in &e.pillars {
        let want = name_of(want);
        if let Some(got) = a.pillars.get(p) {
            if got.trend.as_str() != want {
                let sigs: Vec<String> = got
                    .signals
                    .iter()
                    .map(|s| {
                        format!(
                            "{}{} `{}`",
                            if s.direction == crate::rulebook::schema::Direction::Up {
                                '+'
                            } else {
                                '-'
                            },
                            s.weight,
                            s.id
                        )
                    })
                    .collect();
                out.push(Failure {
                    what: format!("pillar `{p}`"),
                    expected: want,
                    actual: got.trend.as_str().to_string(),
                    context: Some(format!(
                        "score {} from {}",
                        got.score,
                        if sigs.is_empty() {
                            "no signal".to_string()
                        } else {
                            sigs.join(", ")
                        }
                    )),
                    span: span(&format!("pillars.{p}")),
                });
            }
        }
    }
    for (c, want) in &e.criteria {
        let want = name_of(want);
        if let Some(got) = a.standards.iter().chain(&a.criteria).find(|x| &x.id == c) {
            if got.status.as_str() != want {
                let fired: Vec<String> = got
                    .indicators
                    .iter()
                    .filter(|i| i.outcome == Outcome::Fired)
                    .map(|i| format!("`{}`", i.id))
                    .collect();
                out.push(Failure {
                    what: format!("criterion `{c}`"),
                    expected: want,
                    actual: got.status.as_str().to_string(),
                    context: Some(format!(
                        "fired: {}",
                        if fired.is_empty() {
                            "none".to_string()
                        } else {
                            fired.join(", ")
                        }
                    )),
                    span: span(&format!("criteria.{c}")),
                });
            }
        }
    }
    let indicator = |id: &str| {
        a.standards
            .iter()
            .chain(&a.criteria)
            .flat_map(|c| c.indicators.iter())
            .find(|i| i.id == id)
    };
    let outcome_text = |o: Outcome| match o {
        Outcome::Fired => "fired",
        Outcome::NotFired => "not fired",
        Outcome::Unknown => "undecided",
    };
    let show_evidence = |ev: &crate::assessment::Evidence| -> Option<String> {
        (!ev.is_empty()).then(|| {
            ev.iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    for (key, list, want_fired) in [
        ("findings", &e.findings, true),
        ("no_findings", &e.no_findings, false),
    ] {
        for (i, id) in list.iter().enumerate() {
            let Some(ind) = indicator(id) else { continue };
            if (ind.outcome == Outcome::Fired) != want_fired {
                let mut context = format!("when: {}", ind.condition.trim());
                if let Some(ev) = show_evidence(&ind.evidence) {
                    context.push_str(&format!("; with {ev}"));
                }
                if let Some(r) = &ind.reason {
                    context.push_str(&format!("; {r}"));
                }
                out.push(Failure {
                    what: format!("indicator `{id}`"),
                    expected: if want_fired { "fired" } else { "not fired" }.into(),
                    actual: outcome_text(ind.outcome).into(),
                    context: Some(context),
                    span: span(&format!("{key}[{i}]")),
                });
            }
        }
    }
    let fired_signal = |id: &str| {
        a.pillars
            .values()
            .flat_map(|p| p.signals.iter())
            .any(|s| s.id == id)
    };
    for (key, list, want_fired) in [
        ("signals", &e.signals, true),
        ("no_signals", &e.no_signals, false),
    ] {
        for (i, id) in list.iter().enumerate() {
            if fired_signal(id) != want_fired {
                let context = rules
                    .signals
                    .iter()
                    .find(|s| &s.id == id)
                    .and_then(|s| s.at(a.year))
                    .map(|v| format!("when: {}", v.condition.source.trim()));
                out.push(Failure {
                    what: format!("signal `{id}`"),
                    expected: if want_fired { "fired" } else { "not fired" }.into(),
                    actual: if want_fired { "not fired" } else { "fired" }.into(),
                    context,
                    span: span(&format!("{key}[{i}]")),
                });
            }
        }
    }
    for (i, id) in e.tier_rules.iter().enumerate() {
        if !a
            .trace
            .iter()
            .any(|s| s.rule.as_deref() == Some(id.as_str()))
        {
            let undecided: Vec<String> = a
                .trace
                .iter()
                .flat_map(|s| s.undecided.iter())
                .filter(|u| &u.rule == id)
                .map(|u| u.reason.clone())
                .collect();
            let mut context = decided_by();
            if !undecided.is_empty() {
                context = format!("undecided: {}; {context}", undecided.join("; "));
            }
            out.push(Failure {
                what: format!("tier rule `{id}`"),
                expected: "applied".into(),
                actual: "not applied".into(),
                context: Some(context),
                span: span(&format!("tier_rules[{i}]")),
            });
        }
    }
    if let Some(want) = &e.missing_evidence {
        let got: Vec<String> = a
            .missing_evidence
            .iter()
            .map(|m| m.requirement.clone())
            .collect();
        let mut w = want.clone();
        let mut g = got.clone();
        w.sort();
        g.sort();
        if w != g {
            let lacking: Vec<String> = a
                .missing_evidence
                .iter()
                .flat_map(|m| m.facts.iter().map(|f| format!("`{}`", f.path)))
                .take(8)
                .collect();
            out.push(Failure {
                what: "missing evidence".into(),
                expected: format!("[{}]", want.join(", ")),
                actual: format!("[{}]", got.join(", ")),
                context: (!lacking.is_empty()).then(|| format!("lacking {}", lacking.join(", "))),
                span: span("missing_evidence"),
            });
        }
    }
    for (id, want) in &e.versions {
        let got: Option<Option<String>> = a
            .standards
            .iter()
            .chain(&a.criteria)
            .flat_map(|c| c.indicators.iter())
            .find(|i| &i.id == id)
            .map(|i| i.version.clone())
            .or_else(|| {
                a.pillars
                    .values()
                    .flat_map(|p| p.signals.iter())
                    .find(|s| &s.id == id)
                    .map(|s| s.version.clone())
            })
            .or_else(|| {
                a.trace
                    .iter()
                    .find(|t| t.rule.as_deref() == Some(id.as_str()))
                    .map(|t| t.version.clone())
            });
        let actual = match &got {
            None => "no version (the rule did not run)".to_string(),
            Some(None) => "an undated rule".to_string(),
            Some(Some(v)) => v.clone(),
        };
        if got.flatten().as_deref() != Some(want.as_str()) {
            out.push(Failure {
                what: format!("version of `{id}`"),
                expected: want.clone(),
                actual,
                context: Some(format!("report year {}", a.year)),
                span: span(&format!("versions.{id}")),
            });
        }
    }
    // In the order the expectations are written, so the report reads like the case.
    out.sort_by_key(|f| f.span.start);
    out
}

/// A failure as a located diagnostic: expected against actual, at the expectation, with the
/// case's name as a second label.
pub fn failure_diagnostic(case: &Case, f: &Failure) -> Diagnostic {
    let span = tight(&case.file.text, f.span.clone());
    let mut d = Diagnostic::error(
        "test-failed",
        format!(
            "case `{}`: {} expected `{}`, found `{}`",
            case.name, f.what, f.expected, f.actual
        ),
    )
    .at(&case.file, span)
    .with_label(format!("expected `{}`", f.expected))
    .with_related(
        &case.file,
        case.spans.value_span(&format!("{}.name", case.path)),
        "in this case",
    );
    if let Some(c) = &f.context {
        d = d.with_help(c.clone());
    }
    d
}

/// Underline the value only: a quoted scalar ends at its closing quote (the span index may run
/// on to a trailing comment), and trailing spaces are not part of any value.
fn tight(text: &str, mut span: Range<usize>) -> Range<usize> {
    let Some(value) = text.get(span.clone()) else {
        return span;
    };
    if let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let mut escaped = false;
        for (i, c) in value.char_indices().skip(1) {
            if q == '"' && c == '\\' && !escaped {
                escaped = true;
                continue;
            }
            if c == q && !escaped {
                return span.start..span.start + i + 1;
            }
            escaped = false;
        }
    }
    while span.end > span.start
        && text
            .get(span.end - 1..span.end)
            .is_some_and(|c| c.trim().is_empty())
    {
        span.end -= 1;
    }
    span
}

/// The outcome of a whole run.
#[derive(Debug)]
pub struct Report {
    pub results: Vec<CaseResult>,
    pub coverage: Coverage,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

/// Run every case, in file order.
pub fn run(rules: &Rulebook, cases: &[Case]) -> Report {
    let mut coverage = Coverage::new(rules);
    let results = cases
        .iter()
        .map(|c| run_case(rules, c, &mut coverage))
        .collect();
    Report { results, coverage }
}
