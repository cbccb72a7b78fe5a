//! `--watch`: re-run a command on every save of its inputs (rules, templates, facts, draft),
//! debounced, and print only what changed in its output. A save that breaks an input prints its
//! diagnostics and the watch goes on; the next good run is compared with the last good one.
//!
//! The loop is [`watch`]; what it prints is computed by [`changes`], a pure function over the
//! previous and the new output (a list of `(key, text)` blocks, one per input file), so the
//! behaviour is tested without a file system.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer, DebounceEventResult};

use crate::diagnostic::Diagnostic;
use crate::{eprint_diagnostics, Exit};

/// One run's output: a block of text per key (usually per input file), in a fixed order.
pub type Output = Vec<(String, String)>;

/// How long the debouncer waits for a burst of writes (an editor's save) to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(250);

/// The lines that changed between two outputs, block by block: `+` added, `-` removed, under a
/// `== key` header; blocks that appear or disappear are marked `(new)` / `(gone)`. Empty when
/// nothing changed.
pub fn changes(old: &[(String, String)], new: &[(String, String)]) -> String {
    let mut s = String::new();
    for (key, text) in new {
        match old.iter().find(|(k, _)| k == key) {
            None => {
                let _ = writeln!(s, "== {key} (new)");
                for l in text.lines() {
                    let _ = writeln!(s, "+ {l}");
                }
            }
            Some((_, before)) if before != text => {
                let _ = writeln!(s, "== {key}");
                s.push_str(&line_diff(before, text));
            }
            Some(_) => {}
        }
    }
    for (key, _) in old {
        if !new.iter().any(|(k, _)| k == key) {
            let _ = writeln!(s, "== {key} (gone)");
        }
    }
    s
}

/// `-`/`+` lines between two texts (longest common subsequence of lines; unchanged lines are
/// left out).
pub fn line_diff(before: &str, after: &str) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    // Common prefix and suffix first: a save usually changes a few lines in the middle.
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut out = String::new();
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        // Too large to align cheaply: show the changed region whole.
        for l in a {
            let _ = writeln!(out, "- {l}");
        }
        for l in b {
            let _ = writeln!(out, "+ {l}");
        }
        return out;
    }
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "- {}", a[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "+ {}", b[j]);
            j += 1;
        }
    }
    out
}

/// Inputs tiercheck reads: rules and facts (YAML), templates, drafts.
pub const WATCHED_EXTENSIONS: &[&str] = &["yaml", "yml", "tera", "txt", "md"];

/// Whether a changed path is worth a re-run: an input file, not an editor's swap, backup or
/// temporary file.
pub fn relevant(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let ext_ok = path
        .extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| WATCHED_EXTENSIONS.contains(&x));
    ext_ok && !(name.starts_with('.') || name.starts_with('#'))
}

/// What a run reads: the input files themselves, and everything under the input folders. Events
/// elsewhere in a watched folder (an output file redirected there, a sibling) are ignored.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Scope {
    pub fn new(inputs: &[PathBuf]) -> Self {
        let mut s = Scope::default();
        for p in inputs {
            if p.is_dir() {
                s.dirs.push(normalize(p));
            } else {
                s.files.push(normalize(p));
            }
        }
        s
    }

    /// Whether a changed path is one the run reads.
    pub fn contains(&self, path: &Path) -> bool {
        if !relevant(path) {
            return false;
        }
        let p = normalize(path);
        self.files.contains(&p) || self.dirs.iter().any(|d| p.starts_with(d))
    }

    /// Every existing file in scope, for the first fingerprints.
    fn existing(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if relevant(&p) {
                    out.push(normalize(&p));
                }
            }
        }
        let mut out: Vec<PathBuf> = self.files.iter().filter(|f| f.is_file()).cloned().collect();
        for d in &self.dirs {
            walk(d, &mut out);
        }
        out
    }
}

/// One spelling per file: canonical when it exists (or its folder does), absolute otherwise.
fn normalize(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    if let (Some(parent), Some(name)) = (p.parent(), p.file_name()) {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(c) = parent.canonicalize() {
            return c.join(name);
        }
    }
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Size and modification time: reading a file (which some watchers report) leaves them alone.
type Fingerprint = Option<(u64, Option<std::time::SystemTime>)>;

fn fingerprint(p: &Path) -> Fingerprint {
    std::fs::metadata(p)
        .ok()
        .map(|m| (m.len(), m.modified().ok()))
}

/// The folders to watch for a set of inputs: folders recursively; for a file, its folder (editors
/// save by replacing the file, which a watch on the file itself would lose). Sorted, deduplicated.
pub fn roots(inputs: &[PathBuf]) -> Vec<(PathBuf, RecursiveMode)> {
    let mut out: Vec<(PathBuf, RecursiveMode)> = Vec::new();
    for p in inputs {
        let (dir, mode) = if p.is_dir() {
            (p.clone(), RecursiveMode::Recursive)
        } else {
            let parent = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            (parent.to_path_buf(), RecursiveMode::NonRecursive)
        };
        match out.iter_mut().find(|(d, _)| *d == dir) {
            Some(existing) if mode == RecursiveMode::Recursive => existing.1 = mode,
            Some(_) => {}
            None => out.push((dir, mode)),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Run `run` once and print its whole output, then re-run it after every relevant change under
/// `inputs` and print what changed. Returns when the watcher stops (it normally runs until the
/// process is interrupted).
pub fn watch<F>(inputs: &[PathBuf], mut run: F) -> Exit
where
    F: FnMut() -> Result<Output, Vec<Diagnostic>>,
{
    let mut last: Option<Output> = None;
    let mut report = |last: &mut Option<Output>, first: bool| match run() {
        Ok(out) => {
            match last.as_ref() {
                None => {
                    for (_, text) in &out {
                        crate::out!("{text}");
                        if !text.ends_with('\n') {
                            crate::outln!();
                        }
                    }
                }
                Some(prev) => {
                    let diff = changes(prev, &out);
                    if diff.is_empty() {
                        crate::outln!("-- no change in the output");
                    } else {
                        crate::out!("{diff}");
                    }
                }
            }
            *last = Some(out);
        }
        Err(ds) => {
            if !first {
                crate::outln!("-- the inputs do not load; keeping the last good output");
            }
            eprint_diagnostics(&ds);
        }
    };
    // Watch first, so a save during the first run is not lost.
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = match new_debouncer(DEBOUNCE, tx) {
        Ok(d) => d,
        Err(e) => {
            eprint_diagnostics(&[Diagnostic::error(
                "watch-failed",
                format!("cannot watch files: {}", e.to_string().to_lowercase()),
            )]);
            return Exit::Failed;
        }
    };
    let roots = roots(inputs);
    for (dir, mode) in &roots {
        if let Err(e) = debouncer.watcher().watch(dir, *mode) {
            eprint_diagnostics(&[Diagnostic::error(
                "watch-failed",
                format!(
                    "cannot watch `{}`: {}",
                    dir.display(),
                    e.to_string().to_lowercase()
                ),
            )]);
            return Exit::Failed;
        }
    }
    let scope = Scope::new(inputs);
    let mut seen: std::collections::HashMap<PathBuf, Fingerprint> = scope
        .existing()
        .into_iter()
        .map(|p| {
            let f = fingerprint(&p);
            (p, f)
        })
        .collect();
    report(&mut last, true);
    let shown: Vec<String> = roots
        .iter()
        .map(|(d, _)| format!("`{}`", d.display()))
        .collect();
    crate::outln!(
        "-- watching {} for changes (ctrl-c to stop)",
        shown.join(", ")
    );
    while let Ok(first) = rx.recv() {
        // Batches queued while the last run was busy are one change: run once for all of them.
        let mut events = Vec::new();
        for batch in std::iter::once(first).chain(std::iter::from_fn(|| rx.try_recv().ok())) {
            match batch {
                Ok(mut more) => events.append(&mut more),
                Err(e) => eprintln!("warning: file watcher: {}", e.to_string().to_lowercase()),
            }
        }
        // Only files the run reads, and only when their content may have changed.
        let mut changed: Vec<String> = Vec::new();
        for e in &events {
            if !scope.contains(&e.path) {
                continue;
            }
            let key = normalize(&e.path);
            let now = fingerprint(&key);
            if seen.get(&key) != Some(&now) {
                seen.insert(key, now);
                changed.push(display_path(&e.path));
            }
        }
        if changed.is_empty() {
            continue;
        }
        changed.sort();
        changed.dedup();
        crate::outln!("-- changed: {}", changed.join(", "));
        report(&mut last, false);
    }
    Exit::Clean
}

/// A path relative to the current folder when it is under it.
fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    p.strip_prefix(&cwd).unwrap_or(p).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(blocks: &[(&str, &str)]) -> Output {
        blocks
            .iter()
            .map(|(k, t)| (k.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn unchanged_output_prints_nothing() {
        let a = out(&[("a.yaml", "tier 2\nscore 3\n")]);
        assert_eq!(changes(&a, &a), "");
    }

    #[test]
    fn a_changed_line_prints_old_and_new_under_its_file() {
        let a = out(&[("a.yaml", "x\ntier 2\ny\n"), ("b.yaml", "same\n")]);
        let b = out(&[("a.yaml", "x\ntier 3\ny\n"), ("b.yaml", "same\n")]);
        assert_eq!(changes(&a, &b), "== a.yaml\n- tier 2\n+ tier 3\n");
    }

    #[test]
    fn new_and_gone_blocks_are_marked() {
        let a = out(&[("a.yaml", "one\n")]);
        let b = out(&[("b.yaml", "two\n")]);
        assert_eq!(
            changes(&a, &b),
            "== b.yaml (new)\n+ two\n== a.yaml (gone)\n"
        );
    }

    #[test]
    fn inserted_lines_keep_the_common_ones_out() {
        let d = line_diff("a\nb\nc\nd\n", "a\nb\nx\nc\nd\ny\n");
        assert_eq!(d, "+ x\n+ y\n");
    }

    #[test]
    fn removed_and_replaced_lines_are_aligned() {
        let d = line_diff("h\n1\n2\n3\nf\n", "h\n1\n3\n4\nf\n");
        assert_eq!(d, "- 2\n+ 4\n");
    }

    #[test]
    fn editor_scratch_files_do_not_trigger_a_run() {
        for p in [
            ".x.yaml.swp",
            "x.yaml~",
            "4913",
            "#x.yaml#",
            ".hidden.yaml",
            "sedAb12Cd",
            "x.yaml.tmp",
        ] {
            assert!(!relevant(Path::new(p)), "{p}");
        }
        assert!(relevant(Path::new("reports/2022/tajikistan.yaml")));
        assert!(relevant(Path::new("rules/criteria.yaml")));
    }

    #[test]
    fn only_the_inputs_are_in_scope() {
        let tmp =
            std::env::temp_dir().join(format!("tiercheck-watch-scope-{}", std::process::id()));
        let sub = tmp.join("reports");
        std::fs::create_dir_all(&sub).ok();
        let facts = tmp.join("x.yaml");
        std::fs::write(&facts, "a: 1\n").ok();
        let scope = Scope::new(&[facts.clone(), sub.clone()]);
        assert!(scope.contains(&facts));
        assert!(scope.contains(&sub.join("2022").join("y.yaml")));
        assert!(
            !scope.contains(&tmp.join("out.txt")),
            "a sibling of an input file"
        );
        assert!(
            !scope.contains(&tmp.join("other.yaml")),
            "a sibling of an input file"
        );
        assert!(!scope.contains(&sub.join(".y.yaml.swp")));
        std::fs::remove_dir_all(&tmp).ok();
    }

    #[test]
    fn a_file_is_watched_through_its_folder() {
        let r = roots(&[
            PathBuf::from("no-such-dir/a.yaml"),
            PathBuf::from("no-such-dir/b.yaml"),
        ]);
        assert_eq!(
            r,
            vec![(PathBuf::from("no-such-dir"), RecursiveMode::NonRecursive)]
        );
    }
}
