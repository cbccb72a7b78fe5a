//! The documentation of every check code, from `rules/checks.yaml` (and the language rules of
//! `rules/style.yaml`): kind, default severity, title, why, an example. It gives each code its
//! default severity, feeds `check --explain CODE` and the SARIF rules table.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;
use crate::yaml;

use super::FALLBACK_SEVERITY;

/// The check documentation file inside a rules folder.
pub const DOCS_FILE: &str = "checks.yaml";

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DocsYaml {
    checks: Vec<CheckDocYaml>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CheckDocYaml {
    code: String,
    kind: String,
    severity: SeverityYaml,
    title: String,
    why: String,
    #[serde(default)]
    example: Option<String>,
    #[serde(default)]
    facts: bool,
    /// The advice under a diagnostic: one text, or one per case of the check (`stated: ...`).
    #[serde(default)]
    help: Option<HelpYaml>,
}

#[derive(Debug, schemars::JsonSchema)]
#[serde(untagged)]
enum HelpYaml {
    One(String),
    Cases(IndexMap<String, String>),
}

/// By hand rather than `untagged`, whose error names neither the place nor what was expected.
impl<'de> Deserialize<'de> for HelpYaml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = HelpYaml;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a text, or a mapping of case names to texts")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<HelpYaml, E> {
                Ok(HelpYaml::One(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<HelpYaml, A::Error> {
                let mut cases = IndexMap::new();
                while let Some((k, v)) = m.next_entry::<String, String>()? {
                    cases.insert(k, v);
                }
                Ok(HelpYaml::Cases(cases))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// What `--explain` prints for one code.
#[derive(Debug, Clone)]
pub struct CheckDoc {
    pub code: String,
    pub kind: String,
    pub severity: Severity,
    pub title: String,
    pub why: String,
    pub example: Option<String>,
    /// Runs only with `--facts`.
    pub facts: bool,
    /// `safe` when `check --fix` applies its fix, certain of the result (as the rule files mark it).
    pub fix: Option<String>,
    /// The advice under its diagnostics, by case (`""` when there is one); `{name}` is replaced
    /// by the value the check gives for `name`.
    pub help: IndexMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct CheckDocs {
    docs: IndexMap<String, CheckDoc>,
}

/// Severity as rule files write it.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityYaml {
    Error,
    Warning,
    Info,
}

impl From<SeverityYaml> for Severity {
    fn from(s: SeverityYaml) -> Self {
        match s {
            SeverityYaml::Error => Severity::Error,
            SeverityYaml::Warning => Severity::Warning,
            SeverityYaml::Info => Severity::Info,
        }
    }
}

impl CheckDocs {
    pub fn load(file: &Arc<SourceFile>) -> Result<CheckDocs, Vec<Diagnostic>> {
        let (y, spans): (DocsYaml, _) = yaml::load(file)?;
        let mut docs = IndexMap::new();
        let mut problems = Vec::new();
        for (i, c) in y.checks.into_iter().enumerate() {
            if !is_kebab(&c.code) {
                problems.push(
                    Diagnostic::error(
                        "bad-code",
                        format!("check code `{}` is not kebab-case", c.code),
                    )
                    .at(file, spans.value_span(&format!("checks[{i}].code")))
                    .with_help("codes are lowercase words joined by `-`, e.g. `tier-mismatch`"),
                );
            }
            if docs.contains_key(&c.code) {
                problems.push(
                    Diagnostic::error(
                        "duplicate-id",
                        format!("check code `{}` is documented twice", c.code),
                    )
                    .at(file, spans.value_span(&format!("checks[{i}].code"))),
                );
            }
            docs.insert(
                c.code.clone(),
                CheckDoc {
                    code: c.code,
                    kind: c.kind,
                    severity: c.severity.into(),
                    title: c.title,
                    why: c.why,
                    example: c.example,
                    facts: c.facts,
                    fix: None,
                    help: match c.help {
                        None => IndexMap::new(),
                        Some(HelpYaml::One(text)) => IndexMap::from([(String::new(), text)]),
                        Some(HelpYaml::Cases(cases)) => cases,
                    },
                },
            );
        }
        if problems.is_empty() {
            Ok(CheckDocs { docs })
        } else {
            Err(problems)
        }
    }

    pub fn add(&mut self, doc: CheckDoc) {
        self.docs.insert(doc.code.clone(), doc);
    }

    /// The help of `code` for one of its cases (`""` when it has one), with `{name}` replaced
    /// by the values given; the code's `why` when checks.yaml gives no help for the case.
    pub fn help(&self, code: &str, case: &str, values: &[(&str, &str)]) -> String {
        let Some(doc) = self.docs.get(code) else {
            return String::new();
        };
        // Without a help for the case, the reason the check exists is the best advice.
        let Some(text) = doc.help.get(case) else {
            return doc.why.clone();
        };
        let mut out = text.clone();
        for (name, value) in values {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    pub fn get(&self, code: &str) -> Option<&CheckDoc> {
        self.docs.get(code)
    }

    pub fn severity(&self, code: &str) -> Severity {
        self.docs
            .get(code)
            .map_or(FALLBACK_SEVERITY, |d| d.severity)
    }

    pub fn kind(&self, code: &str) -> Option<&str> {
        self.docs.get(code).map(|d| d.kind.as_str())
    }

    pub fn all(&self) -> impl Iterator<Item = &CheckDoc> {
        self.docs.values()
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.docs.keys().map(String::as_str)
    }

    /// The `--explain` text of a code.
    pub fn explain(&self, code: &str) -> Option<String> {
        let d = self.docs.get(code)?;
        let mut s = format!(
            "{code}  ({kind}, {severity}{facts})\n\n{title}\n\n{why}\n",
            code = d.code,
            kind = d.kind,
            severity = d.severity.as_str(),
            facts = if d.facts { ", needs --facts" } else { "" },
            title = d.title,
            why = d.why.trim_end(),
        );
        if !d.help.is_empty() {
            s.push_str("\nAdvice:\n");
            for (case, text) in &d.help {
                let text = text.trim_end();
                if case.is_empty() {
                    s.push_str(&format!("    {text}\n"));
                } else {
                    s.push_str(&format!("    {case}: {text}\n"));
                }
            }
        }
        if let Some(e) = &d.example {
            s.push_str("\nExample:\n");
            for line in e.trim_end().lines() {
                s.push_str("    ");
                s.push_str(line);
                s.push('\n');
            }
        }
        Some(s)
    }
}

pub fn is_kebab(code: &str) -> bool {
    !code.is_empty()
        && !code.starts_with('-')
        && !code.ends_with('-')
        && !code.contains("--")
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every help the checks ask for by case is written in the bundled checks.yaml.
    #[test]
    fn every_help_case_the_checks_use_is_documented() {
        let text = include_str!("../../rules/checks.yaml");
        let docs = CheckDocs::load(&SourceFile::new("checks.yaml", text)).unwrap();
        for (code, case) in [
            ("missing-heading", ""),
            ("missing-intro", ""),
            ("status-sentence-missing", ""),
            ("movement-missing", ""),
            ("movement-wording", "count-after-move"),
            ("movement-wording", "first-year"),
            ("movement-wording", "impossible"),
            ("movement-wording", "waiver-tier"),
            ("movement-history", ""),
            ("consecutive-years-mismatch", "wrong"),
            ("consecutive-years-mismatch", "missing"),
            ("waiver-mismatch", "stated"),
            ("waiver-mismatch", "missing"),
            ("opener-missing", ""),
            ("count-not-in-facts", ""),
        ] {
            let doc = docs.get(code).unwrap();
            assert!(doc.help.contains_key(case), "{code}: no help for `{case}`");
        }
        assert_eq!(
            docs.help(
                "consecutive-years-mismatch",
                "missing",
                &[("ordinal", "third")]
            ),
            "add `for the third consecutive year` after the tier"
        );
    }
}
