//! A folder of text files by relative name (`criteria.yaml`, `intro.tera`), compiled into the
//! binary or read from disk. The rules and the templates are both loaded this way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::Dir;
use indexmap::IndexMap;

use crate::diagnostic::Diagnostic;
use crate::source::{read_source, source_from_bytes, SourceFile};

/// Files by name relative to their folder, in name order.
pub type Files = IndexMap<String, Arc<SourceFile>>;

/// The files of a compiled-in folder that `keep` accepts (by relative name); diagnostics name
/// them `<root>/<name>`.
pub fn embedded(
    dir: &Dir<'_>,
    root: &str,
    keep: impl Fn(&str) -> bool,
) -> Result<Files, Vec<Diagnostic>> {
    let mut files = Files::new();
    let mut problems = Vec::new();
    collect(dir, root, &keep, &mut files, &mut problems);
    files.sort_keys();
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

fn collect(
    dir: &Dir<'_>,
    root: &str,
    keep: &impl Fn(&str) -> bool,
    out: &mut Files,
    problems: &mut Vec<Diagnostic>,
) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        if keep(&rel) {
            match source_from_bytes(format!("{root}/{rel}"), f.contents().to_vec()) {
                Ok(s) => {
                    out.insert(rel, s);
                }
                Err(d) => problems.push(d),
            }
        }
    }
    for d in dir.dirs() {
        collect(d, root, keep, out, problems);
    }
}

/// The files under a folder on disk (recursively) that `keep` accepts. `what` names the folder
/// and `flag` the option that gave it, for the error when it is not a folder.
pub fn on_disk(
    dir: &Path,
    what: &str,
    flag: &str,
    keep: impl Fn(&str) -> bool,
) -> Result<Files, Vec<Diagnostic>> {
    if !dir.is_dir() {
        return Err(vec![Diagnostic::error(
            "io-error",
            format!(
                "{what} folder `{}` does not exist or is not a folder",
                dir.display()
            ),
        )
        .with_help(format!(
            "`{flag}` takes a folder laid out like the bundled `{what}/`"
        ))]);
    }
    let mut paths = Vec::new();
    list(dir, &mut paths);
    paths.sort();
    let mut files = Files::new();
    let mut problems = Vec::new();
    for p in paths {
        let rel = p
            .strip_prefix(dir)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        if !keep(&rel) {
            continue;
        }
        match read_source(&p) {
            Ok(f) => {
                files.insert(rel, f);
            }
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

fn list(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            list(&p, out);
        } else {
            out.push(p);
        }
    }
}
