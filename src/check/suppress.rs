//! Accepted exceptions: a comment in the draft (`<!-- tiercheck: ignore CODE reason -->` covers
//! the next block, `ignore-file` the whole draft; or `# tiercheck-ignore: CODE -- reason`) or a
//! sidecar file `<draft>.tiercheck.yaml`. A suppression that matches nothing is itself reported,
//! so stale exceptions do not pile up.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::source::{read_source, SourceFile};
use crate::yaml;

use super::{CheckRules, Draft, Selection};

pub const UNUSED: &str = "unused-suppression";
pub const NO_REASON: &str = "suppression-without-reason";

/// The sidecar file name suffix: `draft.txt` -> `draft.txt.tiercheck.yaml`.
pub const SIDECAR_SUFFIX: &str = ".tiercheck.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SidecarYaml {
    ignore: Vec<SidecarEntry>,
}

/// One accepted exception in a sidecar file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SidecarEntry {
    pub code: String,
    #[serde(default)]
    pub reason: Option<String>,
    /// Only findings on this line of the draft.
    #[serde(default)]
    pub line: Option<usize>,
    /// Only findings whose line contains this text.
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Sidecar {
    pub file: Arc<SourceFile>,
    pub entries: Vec<(SidecarEntry, Range<usize>)>,
}

pub fn sidecar_path(draft: &Path) -> PathBuf {
    let mut name = draft
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(SIDECAR_SUFFIX);
    draft.with_file_name(name)
}

/// The sidecar of a draft, when there is one.
pub fn load_sidecar(draft: &Path) -> Result<Option<Sidecar>, Vec<Diagnostic>> {
    let path = sidecar_path(draft);
    if !path.is_file() {
        return Ok(None);
    }
    let file = read_source(&path).map_err(|d| vec![d])?;
    let (y, spans): (SidecarYaml, _) = yaml::load(&file)?;
    let entries = y
        .ignore
        .into_iter()
        .enumerate()
        .map(|(i, e)| (e, spans.value_span(&format!("ignore[{i}]"))))
        .collect();
    Ok(Some(Sidecar { file, entries }))
}

/// A finding an accepted exception covers: not reported as a finding, but kept for outputs that
/// list suppressions (SARIF) with the reason the exception gives.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    /// The reason written with the exception (empty when it gives none).
    pub reason: String,
    /// A comment in the draft (true) or a sidecar entry (false).
    pub in_source: bool,
}

/// Split off suppressed diagnostics; report unused suppressions and those without a reason.
/// Returns the diagnostics to report and the suppressed ones. Spans are those of the normalized
/// draft; a sidecar's `line` and `text` are those of the file as written.
pub fn apply(
    diagnostics: Vec<Diagnostic>,
    draft: &Draft,
    sidecar: Option<&Sidecar>,
    rules: &CheckRules,
    selection: &Selection,
) -> (Vec<Diagnostic>, Vec<Suppressed>) {
    let n = &draft.narrative;
    let mut used_directive: Vec<Vec<bool>> = n
        .directives
        .iter()
        .map(|d| vec![false; d.codes.len()])
        .collect();
    let mut used_entry = vec![false; sidecar.map_or(0, |s| s.entries.len())];
    // By code, so each finding looks only at the suppressions of its code: linear in a sidecar
    // or a draft with thousands of them.
    let mut directives_of: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (i, dir) in n.directives.iter().enumerate() {
        for (j, code) in dir.codes.iter().enumerate() {
            // The first of a code listed twice in one directive is the one used.
            let list = directives_of.entry(code.as_str()).or_default();
            if !list.iter().any(|&(k, _)| k == i) {
                list.push((i, j));
            }
        }
    }
    let mut entries_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (e, _)) in sidecar.iter().flat_map(|s| s.entries.iter()).enumerate() {
        entries_of.entry(e.code.as_str()).or_default().push(i);
    }
    let mut out = Vec::new();
    let mut suppressed_out = Vec::new();
    for d in diagnostics {
        let Some(loc) = &d.location else {
            out.push(d);
            continue;
        };
        let at = loc.span.start;
        // The first exception that covers the finding gives its reason.
        let mut suppressed: Option<(String, bool)> = None;
        for &(i, j) in directives_of.get(d.code.as_str()).into_iter().flatten() {
            let dir = &n.directives[i];
            let covers = dir
                .covers
                .as_ref()
                .is_none_or(|c| at >= c.start && at <= c.end);
            if covers {
                used_directive[i][j] = true;
                suppressed.get_or_insert_with(|| (dir.reason.trim().to_string(), true));
            }
        }
        if let (Some(sc), Some(candidates)) = (sidecar, entries_of.get(d.code.as_str())) {
            let (line, line_text) = draft.source.line(at);
            for &i in candidates {
                let e = &sc.entries[i].0;
                if e.line.is_none_or(|l| l == line)
                    && e.text
                        .as_ref()
                        .is_none_or(|t| line_text.contains(t.as_str()))
                {
                    used_entry[i] = true;
                    suppressed.get_or_insert_with(|| {
                        (e.reason.as_deref().unwrap_or("").trim().to_string(), false)
                    });
                }
            }
        }
        match suppressed {
            None => out.push(d),
            Some((reason, in_source)) => suppressed_out.push(Suppressed {
                diagnostic: d,
                reason,
                in_source,
            }),
        }
    }

    let severity = |code: &str| rules.docs.severity(code);
    let known = |code: &str| rules.docs.get(code).is_some();
    let help_for = |code: &str| {
        if known(code) {
            "remove the suppression: the finding it accepted is gone".to_string()
        } else {
            match yaml::did_you_mean(code, rules.docs.codes()) {
                Some(s) => format!("`{code}` is not a check code; did you mean `{s}`?"),
                None => format!(
                    "`{code}` is not a check code; `tiercheck check --explain CODE` lists them"
                ),
            }
        }
    };
    for (i, dir) in n.directives.iter().enumerate() {
        for (j, code) in dir.codes.iter().enumerate() {
            if !used_directive[i][j] && (!known(code) || selection.allows(code, &rules.docs)) {
                out.push(
                    Diagnostic::new(
                        UNUSED,
                        severity(UNUSED),
                        format!("suppression of `{code}` matches no finding"),
                    )
                    .at(&n.file, dir.span.clone())
                    .with_help(help_for(code)),
                );
            }
        }
        if dir.reason.is_empty() {
            out.push(
                Diagnostic::new(NO_REASON, severity(NO_REASON), "suppression gives no reason")
                    .at(&n.file, dir.span.clone())
                    .with_help("say why the exception is accepted, after the code: `<!-- tiercheck: ignore CODE reason -->`"),
            );
        }
    }
    if let Some(sc) = sidecar {
        for (i, (e, span)) in sc.entries.iter().enumerate() {
            if !used_entry[i] && (!known(&e.code) || selection.allows(&e.code, &rules.docs)) {
                out.push(
                    Diagnostic::new(
                        UNUSED,
                        severity(UNUSED),
                        format!(
                            "suppression of `{}` matches no finding in `{}`",
                            e.code, draft.source.original.name
                        ),
                    )
                    .at(&sc.file, span.clone())
                    .with_help(help_for(&e.code)),
                );
            }
            if e.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                out.push(
                    Diagnostic::new(
                        NO_REASON,
                        severity(NO_REASON),
                        "suppression gives no reason",
                    )
                    .at(&sc.file, span.clone())
                    .with_help("add `reason:` saying why the exception is accepted"),
                );
            }
        }
    }
    (out, suppressed_out)
}
