//! Accepted exceptions: a comment in the draft (`<!-- tiercheck: ignore CODE reason -->` covers
//! the next block, `ignore-file` the whole draft; or `# tiercheck-ignore: CODE -- reason`) or a
//! sidecar file `<draft>.tiercheck.yaml`. A suppression that matches nothing is itself reported,
//! so stale exceptions do not pile up.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::source::{read_source_limited, SourceFile};
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

/// The sidecar of a draft, when there is one, read within `limit` bytes (the input limit).
pub fn load_sidecar(draft: &Path, limit: u64) -> Result<Option<Sidecar>, Vec<Diagnostic>> {
    let path = sidecar_path(draft);
    if !path.is_file() {
        return Ok(None);
    }
    let file = read_source_limited(&path, limit).map_err(|d| vec![d])?;
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
    let mut sidecar_index = sidecar.map(SidecarIndex::new);
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
        if let (Some(sc), Some(index)) = (sidecar, sidecar_index.as_mut()) {
            if let Some(i) = index.first_covering(&d.code, at, draft) {
                let e = &sc.entries[i].0;
                suppressed.get_or_insert_with(|| {
                    (e.reason.as_deref().unwrap_or("").trim().to_string(), false)
                });
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

    let used_entry = sidecar_index.map_or_else(Vec::new, |index| index.used);
    let severity = |code: &str| rules.docs.severity(code);
    let known = |code: &str| rules.docs.get(code).is_some();
    // Once per code: thousands of stale entries of one code share their advice.
    let mut helps: HashMap<String, String> = HashMap::new();
    let mut help_for = |code: &str| {
        helps
            .entry(code.to_string())
            .or_insert_with(|| {
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
            })
            .clone()
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

/// A sidecar's entries arranged so that a finding looks only at those that can cover it: by
/// code, then by line; the entries for any line are tried once per line of the draft (not once
/// per finding), their texts all at once. Linear in a sidecar of thousands of entries beside a
/// draft of thousands of findings.
struct SidecarIndex<'a> {
    sidecar: &'a Sidecar,
    by_code: HashMap<&'a str, CodeEntries<'a>>,
    /// Whether each entry (in file order) covered a finding.
    used: Vec<bool>,
}

#[derive(Default)]
struct CodeEntries<'a> {
    /// Entries that name a line, by that line.
    on_line: HashMap<usize, Vec<usize>>,
    /// Entries for any line and any text, in file order.
    any_text: Vec<usize>,
    /// Entries for any line whose text the line must contain, grouped by that text, each
    /// group in file order, searched for all at once.
    by_text: Vec<Vec<usize>>,
    texts: Vec<&'a str>,
    matcher: Option<AhoCorasick>,
    /// Groups (`by_text`, then `any_text` last) already marked used.
    marked: Vec<bool>,
    /// The first covering entry of each line already asked about.
    answered: HashMap<usize, Option<usize>>,
}

impl<'a> SidecarIndex<'a> {
    fn new(sidecar: &'a Sidecar) -> Self {
        let mut by_code: HashMap<&str, CodeEntries> = HashMap::new();
        let mut group_of: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, (e, _)) in sidecar.entries.iter().enumerate() {
            let code = by_code.entry(e.code.as_str()).or_default();
            match (e.line, e.text.as_deref()) {
                (Some(line), _) => code.on_line.entry(line).or_default().push(i),
                (None, None | Some("")) => code.any_text.push(i),
                (None, Some(text)) => {
                    let g = *group_of.entry((e.code.as_str(), text)).or_insert_with(|| {
                        code.texts.push(text);
                        code.by_text.push(Vec::new());
                        code.by_text.len() - 1
                    });
                    code.by_text[g].push(i);
                }
            }
        }
        for code in by_code.values_mut() {
            // An automaton that cannot be built (it always can) leaves the texts unmatched.
            code.matcher = (!code.texts.is_empty())
                .then(|| AhoCorasick::new(&code.texts).ok())
                .flatten();
            code.marked = vec![false; code.by_text.len() + 1];
        }
        SidecarIndex {
            sidecar,
            by_code,
            used: vec![false; sidecar.entries.len()],
        }
    }

    /// The first entry (in file order) that covers a finding of `code` at `at`; every entry
    /// that covers it is marked used.
    fn first_covering(&mut self, code: &str, at: usize, draft: &Draft) -> Option<usize> {
        let entries = self.by_code.get_mut(code)?;
        let (line, line_text) = draft.source.line(at);
        if let Some(answer) = entries.answered.get(&line) {
            return *answer;
        }
        let mut covering: Vec<usize> = Vec::new();
        for &i in entries.on_line.get(&line).into_iter().flatten() {
            let text = self.sidecar.entries[i].0.text.as_deref();
            if text.is_none_or(|t| line_text.contains(t)) {
                self.used[i] = true;
                covering.push(i);
            }
        }
        let mut groups: Vec<usize> = entries
            .matcher
            .iter()
            .flat_map(|m| m.find_overlapping_iter(line_text))
            .map(|m| m.pattern().as_usize())
            .collect();
        groups.sort_unstable();
        groups.dedup();
        if !entries.any_text.is_empty() {
            groups.push(entries.by_text.len());
        }
        for g in groups {
            let group = entries.by_text.get(g).unwrap_or(&entries.any_text);
            if !entries.marked[g] {
                entries.marked[g] = true;
                for &i in group {
                    self.used[i] = true;
                }
            }
            covering.extend(group.first());
        }
        let first = covering.into_iter().min();
        entries.answered.insert(line, first);
        first
    }
}
