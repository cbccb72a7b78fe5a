//! `--format github`: GitHub Actions workflow commands (`::error file=...,line=...::message`),
//! which the Actions runner shows as annotations on the lines of a pull request. A draft that
//! could not be checked is an error annotation on its file.

use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, Severity};

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in report.all().iter().chain(&report.failed) {
        annotation(d, &mut out);
    }
    out
}

fn annotation(d: &Diagnostic, out: &mut String) {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = vec![format!("file={}", property(d.file_name()))];
    if let Some((line, column, end_line, end_column)) = d.line_cols() {
        props.push(format!("line={line}"));
        props.push(format!("col={column}"));
        props.push(format!("endLine={end_line}"));
        if end_line == line {
            props.push(format!("endColumn={end_column}"));
        }
    }
    props.push(format!("title={}", property(&d.code)));
    let message = match &d.help {
        Some(h) => format!("{} (help: {h})", d.message),
        None => d.message.clone(),
    };
    let _ = writeln!(out, "::{command} {}::{}", props.join(","), data(&message));
}

/// A workflow command's message: `%`, CR and LF escaped.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property: also `:` and `,` escaped.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_for_the_runner() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
