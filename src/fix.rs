//! `check --fix`: the edits of the findings whose rule gives a fix, applied to a draft as
//! written. Positions are byte spans into the file as written (the findings' own spans, after
//! normalization has mapped them back); an edit applies only where the file still reads what
//! the check matched, and never over another edit. `--diff` shows the edits as a unified diff
//! instead of writing; writes are atomic. Only plain-text drafts are rewritten.

use std::ops::Range;
use std::path::Path;

use crate::diagnostic::Diagnostic;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// Also the fixes a rule marks `unsafe`.
    pub unsafe_fixes: bool,
}

/// Extensions of drafts whose text is the file itself, which a fix may rewrite.
pub const REWRITABLE: &[&str] = &["txt", "text", "md", "markdown"];

/// One edit: `span` of the file becomes `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Range<usize>,
    pub replacement: String,
}

/// The edits of `diagnostics` that apply to `text` (the file they locate), in order, without
/// overlaps: the earlier edit wins, the later stays a finding.
pub fn edits(text: &str, diagnostics: &[Diagnostic], mode: Mode) -> Vec<Edit> {
    let mut out: Vec<Edit> = diagnostics
        .iter()
        .filter_map(|d| {
            let fix = d.fix.as_ref().filter(|f| f.safe || mode.unsafe_fixes)?;
            let span = d.location.as_ref()?.span.clone();
            // Where normalization changed the text (a wrapped line, a curly quote), the file
            // does not read what was matched: no certain edit there.
            (text.get(span.clone()) == Some(fix.matched.as_str())).then(|| Edit {
                span,
                replacement: fix.replacement.clone(),
            })
        })
        .collect();
    out.sort_by_key(|e| (e.span.start, e.span.end));
    let mut kept: Vec<Edit> = Vec::with_capacity(out.len());
    for e in out {
        if kept.last().is_none_or(|k| k.span.end <= e.span.start) {
            kept.push(e);
        }
    }
    kept
}

/// `text` with `edits` (sorted, not overlapping) applied.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A unified diff of a file before and after its edits, as `diff -u` and git print it.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Refuse to rewrite a draft that is not plain text (a Word document, a saved web page): its
/// text is not the file.
pub fn check_rewritable(path: &Path) -> Result<(), Diagnostic> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if REWRITABLE.contains(&ext.as_str()) {
        Ok(())
    } else {
        Err(Diagnostic::error(
            "cannot-fix",
            format!(
                "`{}` is not rewritten: `--fix` edits plain-text and Markdown drafts only",
                path.display()
            ),
        )
        .with_help("fix it in its own editor, or save it as `.txt` or `.md` and fix that copy; `--diff` shows the edits"))
    }
}

/// What fixing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub file: String,
    pub edits: usize,
    /// The unified diff (with `--diff`; empty otherwise).
    pub diff: String,
}

/// Apply the fixes of one draft's findings: with `write`, rewrite the file atomically (refusing
/// files that are not plain text); without, only compute the diff.
pub fn fix_file(
    path: &Path,
    diagnostics: &[Diagnostic],
    mode: Mode,
    write: bool,
) -> Result<Fixed, Diagnostic> {
    let name = path.display().to_string();
    let original = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(
            "io-error",
            format!("cannot read `{name}`: {}", e.to_string().to_lowercase()),
        )
    })?;
    let mine: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.file_name() == name)
        .cloned()
        .collect();
    let edits = edits(&original, &mine, mode);
    if edits.is_empty() {
        return Ok(Fixed {
            file: name,
            edits: 0,
            diff: String::new(),
        });
    }
    if write {
        check_rewritable(path)?;
    }
    let fixed = apply(&original, &edits);
    if write {
        crate::write_atomic(path, fixed.as_bytes())?;
    }
    Ok(Fixed {
        diff: if write {
            String::new()
        } else {
            unified_diff(&name, &original, &fixed)
        },
        file: name,
        edits: edits.len(),
    })
}

/// Fix every draft of a check run (draft name -> its findings). With `write`, the drafts are
/// rewritten (each atomically); a draft that cannot be fixed is reported and the others still
/// are.
pub fn fix_drafts<'a>(
    drafts: impl IntoIterator<Item = (&'a String, &'a Vec<Diagnostic>)>,
    mode: Mode,
    write: bool,
) -> (Vec<Fixed>, Vec<Diagnostic>) {
    let mut fixed = Vec::new();
    let mut problems = Vec::new();
    for (name, ds) in drafts {
        match fix_file(Path::new(name), ds, mode, write) {
            Ok(f) => fixed.push(f),
            Err(d) => problems.push(d),
        }
    }
    (fixed, problems)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_keep_the_rest_of_the_text() {
        let text = "On May 2021 it re- opened.";
        let edits = [
            Edit {
                span: 0..11,
                replacement: "In May 2021".into(),
            },
            Edit {
                span: 15..25,
                replacement: "re-opened".into(),
            },
        ];
        assert_eq!(apply(text, &edits), "In May 2021 it re-opened.");
    }
}
