//! Writing a site folder atomically: every page goes into a temporary folder beside the
//! destination, which is then renamed into place. A failure at any point leaves the old site as
//! it was. A folder that holds something other than a site written here is never replaced.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;

/// The file that marks a folder as a site `report` wrote (and so may replace).
pub const MARKER: &str = ".tiercheck-report";

/// One file of the site: its path relative to the site root (`/`-separated) and its bytes.
#[derive(Debug, Clone)]
pub struct SiteFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "io-error",
        format!(
            "cannot {what} `{}`: {}",
            path.display(),
            e.to_string().to_lowercase()
        ),
    )
}

/// Write `files` as the folder `out`, replacing the site already there.
pub fn write(out: &Path, files: &[SiteFile]) -> Result<(), Diagnostic> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(Diagnostic::error(
            "io-error",
            format!(
                "cannot write `{}`: the folder `{}` does not exist",
                out.display(),
                parent.display()
            ),
        )
        .with_help("create the folder first, or give another path"));
    }
    if out.exists() {
        replaceable(out)?;
    }
    let tmp = tempfile::Builder::new()
        .prefix(".tiercheck-report-")
        .tempdir_in(parent)
        .map_err(|e| io_error("write into", parent, &e))?;
    // The folders first, then the files on every core.
    let mut dirs: Vec<&Path> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent())
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        std::fs::create_dir_all(tmp.path().join(d))
            .map_err(|e| io_error("write", &out.join(d), &e))?;
    }
    files.par_iter().try_for_each(|f| {
        std::fs::write(tmp.path().join(&f.path), &f.bytes)
            .map_err(|e| io_error("write", &out.join(&f.path), &e))
    })?;
    std::fs::write(
        tmp.path().join(MARKER),
        "written by `tiercheck report`, which replaces this folder on its next run\n",
    )
    .map_err(|e| io_error("write", out, &e))?;
    // A temporary folder is private (0700); a site is for reading, like the files in it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(|e| io_error("write", out, &e))?;
    }
    swap_into_place(tmp.path(), out, parent)
}

/// An existing `out` may be replaced only when it is an empty folder or a site written here.
fn replaceable(out: &Path) -> Result<(), Diagnostic> {
    let refuse = |why: &str| {
        Err(Diagnostic::error(
            "output-exists",
            format!(
                "`{}` {why}, so the report will not replace it",
                out.display()
            ),
        )
        .with_help("give a new folder, or the folder of an earlier report"))
    };
    if !out.is_dir() {
        return refuse("is a file");
    }
    let empty = std::fs::read_dir(out)
        .map_err(|e| io_error("read", out, &e))?
        .next()
        .is_none();
    if empty || out.join(MARKER).is_file() {
        Ok(())
    } else {
        refuse("holds files that are not a report `tiercheck report` wrote")
    }
}

/// Move the new site to `out`: the old one (if any) aside first, then the new one in, then the
/// old one away; the old one back when the new one cannot move in.
fn swap_into_place(new: &Path, out: &Path, parent: &Path) -> Result<(), Diagnostic> {
    if !out.exists() {
        return std::fs::rename(new, out).map_err(|e| io_error("write", out, &e));
    }
    // An empty folder to rename the old site onto: a rename replaces an empty folder.
    let aside = tempfile::Builder::new()
        .prefix(".tiercheck-report-old-")
        .tempdir_in(parent)
        .map_err(|e| io_error("write into", parent, &e))?;
    let aside_path: PathBuf = aside.path().to_path_buf();
    std::fs::rename(out, &aside_path).map_err(|e| io_error("replace", out, &e))?;
    if let Err(e) = std::fs::rename(new, out) {
        // Put the old site back; `aside` is then gone, and its drop removes nothing.
        let _ = std::fs::rename(&aside_path, out);
        return Err(io_error("write", out, &e));
    }
    // Dropping `aside` removes the old site.
    drop(aside);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SiteFile {
        SiteFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_site_replaces_the_previous_site_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("site");
        write(
            &out,
            &[file("index.html", "one"), file("countries/a.html", "a")],
        )
        .expect("first");
        write(&out, &[file("index.html", "two")]).expect("second");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html"))
                .ok()
                .as_deref(),
            Some("two")
        );
        assert!(!out.join("countries/a.html").exists());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .collect();
        assert_eq!(left.len(), 1, "no temporary folder is left behind");
    }

    #[test]
    fn a_folder_of_other_files_is_never_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
        let d = write(dir.path(), &[file("index.html", "x")]).expect_err("refused");
        assert_eq!(d.code, "output-exists");
        assert!(dir.path().join("notes.txt").exists());
        assert!(!dir.path().join("index.html").exists());
    }
}
