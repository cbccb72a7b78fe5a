//! `--format sarif`: SARIF 2.1.0 with a rules table of every check code; a draft that could not
//! be checked is a tool execution notification of an unsuccessful invocation, so the log is
//! complete even then.

use std::collections::BTreeMap;

use serde_sarif::sarif;

use crate::check::CheckRules;
use crate::diagnostic::{Diagnostic, Severity};

use super::Report;

/// `--format sarif`: SARIF 2.1.0 with a rules table of every check code.
pub fn render(report: &Report, rules: &CheckRules) -> Result<String, Vec<Diagnostic>> {
    let docs: Vec<_> = rules.docs.all().collect();
    let index: BTreeMap<&str, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.code.as_str(), i))
        .collect();
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let descriptors: Vec<sarif::ReportingDescriptor> = docs
        .iter()
        .map(|d| {
            sarif::ReportingDescriptor::builder()
                .id(d.code.clone())
                .name(d.code.clone())
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(d.title.clone())
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(d.why.clone())
                        .build(),
                )
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::Value::String(level(d.severity).to_string()))
                        .build(),
                )
                .build()
        })
        .collect();
    let results: Vec<sarif::Result> = report
        .all()
        .iter()
        .map(|d| {
            let mut r = sarif::Result::builder()
                .rule_id(d.code.clone())
                .message(
                    sarif::Message::builder()
                        .text(match &d.help {
                            Some(h) => format!("{} ({h})", d.message),
                            None => d.message.clone(),
                        })
                        .build(),
                )
                .level(match d.severity {
                    Severity::Error => sarif::ResultLevel::Error,
                    Severity::Warning => sarif::ResultLevel::Warning,
                    Severity::Info => sarif::ResultLevel::Note,
                })
                .build();
            if let Some(i) = index.get(d.code.as_str()) {
                r.rule_index = Some(*i as i64);
            }
            if let Some((line, column, end_line, end_column)) = d.line_cols() {
                let region = sarif::Region::builder()
                    .start_line(line as i64)
                    .start_column(column as i64)
                    .end_line(end_line as i64)
                    .end_column(end_column as i64)
                    .build();
                let physical = sarif::PhysicalLocation::builder()
                    .artifact_location(
                        sarif::ArtifactLocation::builder()
                            .uri(d.file_name().replace('\\', "/"))
                            .build(),
                    )
                    .region(region)
                    .build();
                r.locations = Some(vec![sarif::Location::builder()
                    .physical_location(physical)
                    .build()]);
            }
            r
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("tiercheck")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(descriptors)
        .build();
    let notifications: Vec<sarif::Notification> = report
        .failed
        .iter()
        .map(|d| {
            let mut n = sarif::Notification::builder()
                .message(sarif::Message::builder().text(d.message.clone()).build())
                .level(serde_json::Value::String("error".to_string()))
                .build();
            if let Some((line, column, _, _)) = d.line_cols() {
                let physical = sarif::PhysicalLocation::builder()
                    .artifact_location(
                        sarif::ArtifactLocation::builder()
                            .uri(d.file_name().replace('\\', "/"))
                            .build(),
                    )
                    .region(
                        sarif::Region::builder()
                            .start_line(line as i64)
                            .start_column(column as i64)
                            .build(),
                    )
                    .build();
                n.locations = Some(vec![sarif::Location::builder()
                    .physical_location(physical)
                    .build()]);
            }
            n
        })
        .collect();
    let invocation = sarif::Invocation::builder()
        .execution_successful(notifications.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .build();
    let log = sarif::Sarif::builder()
        .version(serde_json::Value::String("2.1.0".to_string()))
        .schema(sarif::SCHEMA_URL)
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log)
        .map(|t| t + "\n")
        .map_err(|e| {
            vec![Diagnostic::error(
                "internal-error",
                format!("cannot write SARIF: {e}"),
            )]
        })
}
