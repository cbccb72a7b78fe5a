//! Project configuration: `tiercheck.toml`, found upward from the current folder (as ruff and
//! Vale find theirs), or named with `--config PATH`, or ignored with `--no-config`. It names the
//! rules and templates folders, the facts folder, `check`'s default `select`/`ignore` and report
//! year, and the project root. Paths in it are relative to the folder that holds it. Command-line
//! flags override it; every command that reads rules says which it used ([`RulesUsed`]).
//!
//! Parsed with `toml` into [`schema`] (serde, `deny_unknown_fields`), then validated into
//! [`Config`]: every folder it names must exist, and every problem is located in the file.

use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::source::{read_source, SourceFile};

/// The configuration file's name.
pub const FILE_NAME: &str = "tiercheck.toml";

/// The file as written: mirrors the TOML one to one and holds no logic.
pub mod schema {
    use serde::Deserialize;
    use toml::Spanned;

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        /// The rules folder (instead of the bundled rules).
        pub rules: Option<Spanned<String>>,
        /// The templates folder (instead of the bundled templates).
        pub templates: Option<Spanned<String>>,
        /// The facts folder: `check` pairs drafts with its files, `rules diff` assesses them.
        pub facts: Option<Spanned<String>>,
        /// The project root, against which output paths are given (SARIF).
        pub root: Option<Spanned<String>>,
        /// The most bytes any input may hold: `"64 MB"`, `"500 KB"`, or a number of bytes.
        pub input_limit: Option<Spanned<Size>>,
        #[serde(default)]
        pub check: Check,
    }

    /// A size as written: a number of bytes, or text with a unit.
    #[derive(Debug, Clone, Deserialize)]
    #[serde(untagged)]
    pub enum Size {
        Bytes(i64),
        Text(String),
    }

    impl std::fmt::Display for Size {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Size::Bytes(n) => write!(f, "{n}"),
                Size::Text(t) => write!(f, "{t}"),
            }
        }
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Check {
        /// Codes or kinds to report when `--select` is not given.
        #[serde(default)]
        pub select: Vec<String>,
        /// Codes or kinds not to report when `--ignore` is not given.
        #[serde(default)]
        pub ignore: Vec<String>,
        /// The report year of drafts whose title line and file name do not give it.
        pub year: Option<Spanned<i32>>,
    }
}

/// A validated configuration: folders resolved against the file's folder.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file as found (`tiercheck.toml`, `../tiercheck.toml`, or as `--config` named it).
    pub path: PathBuf,
    pub rules: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    pub facts: Option<PathBuf>,
    pub root: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub year: Option<i32>,
    /// `input_limit`: the most bytes any input may hold.
    pub input_limit: Option<u64>,
}

/// How to find the configuration: `--config PATH`, `--no-config`, or upward from a folder.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    pub explicit: Option<PathBuf>,
    pub disabled: bool,
}

impl Lookup {
    /// The configuration file to read, if any: the explicit one, or the nearest
    /// `tiercheck.toml` in the current folder or above it.
    pub fn find(&self) -> Result<Option<PathBuf>, Diagnostic> {
        if self.disabled {
            return Ok(None);
        }
        if let Some(p) = &self.explicit {
            if !p.is_file() {
                return Err(Diagnostic::error(
                    "io-error",
                    format!("the configuration file `{}` does not exist", p.display()),
                )
                .with_help("`--config` takes a `tiercheck.toml`; `--no-config` reads none"));
            }
            return Ok(Some(p.clone()));
        }
        let cwd = std::env::current_dir().map_err(|e| {
            Diagnostic::error(
                "io-error",
                format!(
                    "cannot read the current folder: {}",
                    e.to_string().to_lowercase()
                ),
            )
        })?;
        Ok(find_upward(&cwd))
    }

    /// Find and load the configuration; `None` when there is none.
    pub fn load(&self) -> Result<Option<Config>, Vec<Diagnostic>> {
        match self.find().map_err(|d| vec![d])? {
            Some(path) => Config::load(&path).map(Some),
            None => Ok(None),
        }
    }
}

/// The nearest `tiercheck.toml` in `start` or one of its ancestors, named relative to `start`
/// (`tiercheck.toml`, `../tiercheck.toml`) so that messages and outputs show short paths.
pub fn find_upward(start: &Path) -> Option<PathBuf> {
    let mut rel = PathBuf::new();
    for dir in start.ancestors() {
        if dir.join(FILE_NAME).is_file() {
            return Some(rel.join(FILE_NAME));
        }
        rel.push(Component::ParentDir);
    }
    None
}

impl Config {
    /// Read, parse and validate a configuration file.
    pub fn load(path: &Path) -> Result<Config, Vec<Diagnostic>> {
        let file = read_source(path).map_err(|d| vec![d])?;
        let raw: schema::File = toml::from_str(&file.text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().trim_end_matches('.').to_string();
            vec![Diagnostic::error(
                "config-error",
                format!("invalid configuration: {}", lowercase_first(&message)),
            )
            .at(&file, span)
            .with_help(
                "the keys are `rules`, `templates`, `facts`, `root`, `input_limit` and, under `[check]`, `select`, `ignore` and `year` (README, \"Project configuration\")",
            )]
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut problems = Vec::new();
        let mut folder = |v: &Option<toml::Spanned<String>>, key: &str| {
            let v = v.as_ref()?;
            let p = join(base, v.get_ref());
            if !p.is_dir() {
                problems.push(folder_missing(&file, v.span(), key, &p));
            }
            Some(p)
        };
        let config = Config {
            path: path.to_path_buf(),
            rules: folder(&raw.rules, "rules"),
            templates: folder(&raw.templates, "templates"),
            facts: folder(&raw.facts, "facts"),
            root: folder(&raw.root, "root"),
            select: raw.check.select,
            ignore: raw.check.ignore,
            year: raw.check.year.map(|y| y.into_inner()),
            input_limit: raw.input_limit.and_then(|v| match size_in_bytes(v.get_ref()) {
                Some(n) => Some(n),
                None => {
                    problems.push(
                        Diagnostic::error(
                            "config-error",
                            format!("`input_limit` is `{}`, not a size", v.get_ref()),
                        )
                        .at(&file, v.span())
                        .with_help("write a size above zero such as `\"64 MB\"` or `\"500 KB\"`, or a number of bytes"),
                    );
                    None
                }
            }),
        };
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }
}

/// A size in bytes: a whole number of bytes, or text such as `64 MB` (units B, KB, MB, GB, of
/// 1024 each; `KiB`, `MiB`, `GiB` alike). `None` for anything else, zero included.
fn size_in_bytes(size: &schema::Size) -> Option<u64> {
    let n = match size {
        schema::Size::Bytes(n) => u64::try_from(*n).ok()?,
        schema::Size::Text(t) => {
            let t = t.trim();
            let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            let number: u64 = t[..digits].parse().ok()?;
            let shift = match t[digits..].trim().to_ascii_lowercase().as_str() {
                "" | "b" => 0,
                "kb" | "kib" => 10,
                "mb" | "mib" => 20,
                "gb" | "gib" => 30,
                _ => return None,
            };
            number.checked_mul(1u64 << shift)?
        }
    };
    (n > 0).then_some(n)
}

fn folder_missing(file: &Arc<SourceFile>, span: Range<usize>, key: &str, p: &Path) -> Diagnostic {
    Diagnostic::error(
        "config-error",
        format!(
            "`{key}` names the folder `{}`, which does not exist",
            p.display()
        ),
    )
    .at(file, span)
    .with_label("not a folder")
    .with_help(format!(
        "paths are relative to the folder of `{}`",
        file.name
    ))
}

/// `base/rel`, without a leading `./` when `base` is the current folder.
fn join(base: &Path, rel: &str) -> PathBuf {
    let rel = Path::new(rel);
    if base.as_os_str().is_empty() || rel.is_absolute() {
        rel.to_path_buf()
    } else {
        base.join(rel)
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Where a setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Compiled into the binary.
    Bundled,
    /// A command-line flag.
    Flag,
    /// The configuration file.
    Config,
}

/// The rules a command used, for its text header and its JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RulesUsed {
    /// `bundled`, or the folder.
    pub rules: String,
    pub from: Origin,
    /// The configuration file read, if any.
    pub config: Option<String>,
}

impl std::fmt::Display for RulesUsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rules: {}", self.rules)?;
        match (self.from, &self.config) {
            (Origin::Config, Some(c)) => write!(f, " (from `{c}`)"),
            (Origin::Flag, Some(c)) => write!(f, " (--rules, over `{c}`)"),
            (Origin::Flag, None) => write!(f, " (--rules)"),
            (_, Some(c)) => write!(f, " (config `{c}`)"),
            (_, None) => Ok(()),
        }
    }
}

/// The settings of one run: the configuration, if any, under the command-line flags.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub config: Option<Config>,
    /// `--rules`, when given.
    pub rules_flag: Option<PathBuf>,
}

impl Project {
    pub fn new(config: Option<Config>, rules_flag: Option<PathBuf>) -> Project {
        Project { config, rules_flag }
    }

    /// The rules folder to read, `None` for the bundled rules.
    pub fn rules_dir(&self) -> Option<&Path> {
        self.rules_flag
            .as_deref()
            .or_else(|| self.config.as_ref()?.rules.as_deref())
    }

    /// The templates folder: `flag`, else the configuration's, else `None` (bundled).
    pub fn templates_dir<'a>(&'a self, flag: Option<&'a Path>) -> Option<&'a Path> {
        flag.or_else(|| self.config.as_ref()?.templates.as_deref())
    }

    /// The facts folder: `flag`, else the configuration's.
    pub fn facts<'a>(&'a self, flag: Option<&'a Path>) -> Option<&'a Path> {
        flag.or_else(|| self.config.as_ref()?.facts.as_deref())
    }

    /// The most bytes any input may hold: the configuration's `input_limit`, else
    /// [`crate::source::MAX_INPUT_BYTES`].
    pub fn input_limit(&self) -> u64 {
        self.config
            .as_ref()
            .and_then(|c| c.input_limit)
            .unwrap_or(crate::source::MAX_INPUT_BYTES)
    }

    /// The report year: `flag`, else the configuration's.
    pub fn year(&self, flag: Option<i32>) -> Option<i32> {
        flag.or_else(|| self.config.as_ref()?.year)
    }

    /// `--select`/`--ignore` when given, else the configuration's lists.
    pub fn select_ignore(
        &self,
        select: &[String],
        ignore: &[String],
    ) -> (Vec<String>, Vec<String>) {
        let pick = |flag: &[String], cfg: fn(&Config) -> &Vec<String>| {
            if flag.is_empty() {
                self.config.as_ref().map(cfg).cloned().unwrap_or_default()
            } else {
                flag.to_vec()
            }
        };
        (pick(select, |c| &c.select), pick(ignore, |c| &c.ignore))
    }

    /// Which rules, from where, and the configuration file.
    pub fn rules_used(&self) -> RulesUsed {
        let config = self.config.as_ref().map(|c| c.path.display().to_string());
        let (rules, from) = match (&self.rules_flag, self.rules_dir()) {
            (Some(f), _) => (f.display().to_string(), Origin::Flag),
            (None, Some(d)) => (d.display().to_string(), Origin::Config),
            (None, None) => ("bundled".to_string(), Origin::Bundled),
        };
        RulesUsed {
            rules,
            from,
            config,
        }
    }
}
