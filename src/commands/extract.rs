//! `tiercheck extract`: read a narrative into a facts file (YAML, the catalog's format), or JSON
//! with the facts, the stated tier and movement, and the sentences with figures nothing read.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::check::{CheckRules, Draft};
use crate::cli::RulesArg;
use crate::diagnostic::Diagnostic;
use crate::extract::comment_safe;
use crate::extract::extract;
use crate::rulebook::{RuleFiles, Rulebook};
use crate::source::read_source_limited;
use crate::{eprint_diagnostics, write_atomic, Exit};

#[derive(Debug, Clone, Copy, Default, ValueEnum, PartialEq, Eq)]
pub enum ExtractFormat {
    #[default]
    Yaml,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// A narrative (plain text or Markdown)
    #[arg(value_name = "NARRATIVE")]
    pub narrative: PathBuf,
    /// Write to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: ExtractFormat,
    /// The report year, when neither a title line nor the file name (`tajikistan-2022.txt`) says it
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i64>,
    #[command(flatten)]
    pub rules: RulesArg,
}

pub fn run(args: &ExtractArgs) -> Exit {
    match execute(args) {
        Ok(text) => match &args.output {
            Some(path) => match write_atomic(path, text.as_bytes()) {
                Ok(()) => Exit::Clean,
                Err(d) => {
                    eprint_diagnostics(&[d]);
                    Exit::Failed
                }
            },
            None => {
                crate::out!("{text}");
                Exit::Clean
            }
        },
        Err(ds) => {
            eprint_diagnostics(&ds);
            Exit::Failed
        }
    }
}

/// Extract's output must load where it is meant to go: a facts file `assess` refuses is an
/// error here, with the loader's reasons, rather than a file that fails later.
fn loads_in_assess(text: &str, from: &str, rules: &Rulebook) -> Result<(), Vec<Diagnostic>> {
    let name = format!("facts extracted from {from}");
    let file = crate::source::source_from_bytes(name.clone(), text.as_bytes().to_vec())
        .map_err(|d| vec![d])?;
    match crate::facts::Facts::parse(&file, std::path::Path::new(&name), rules) {
        Ok(_) => Ok(()),
        Err(mut ds) => {
            ds.insert(
                0,
                Diagnostic::error(
                    "extract-invalid",
                    format!("the facts read from `{from}` would not load in `assess`; nothing was written"),
                )
                .with_help("the problems below are in the extracted text; report them with the narrative"),
            );
            Err(ds)
        }
    }
}

/// The text `extract` prints; `Err` when it could not run.
pub fn execute(args: &ExtractArgs) -> Result<String, Vec<Diagnostic>> {
    let project = args.rules.project()?;
    let files = match project.rules_dir() {
        Some(d) => RuleFiles::from_dir(d)?,
        None => RuleFiles::bundled()?,
    };
    // The catalog orders the facts; extraction works without it.
    let rulebook = Rulebook::from_files(files.clone()).ok();
    let rules = CheckRules::load(&files, rulebook.as_ref())?;
    let file = read_source_limited(&args.narrative, project.input_limit()).map_err(|d| vec![d])?;
    rules.compile_in_background(Some(&file.text));
    let draft = Draft::read(&file, &rules);
    let year = args
        .year
        .or_else(|| draft.narrative.report_year(&args.narrative).map(i64::from));
    let out = extract(&draft, &rules.claims, rulebook.as_ref(), year);
    let fail = |e: String| {
        vec![Diagnostic::error(
            "internal-error",
            format!("cannot write the output: {e}"),
        )]
    };
    match args.format {
        ExtractFormat::Json => serde_json::to_string_pretty(&out)
            .map(|s| s + "\n")
            .map_err(|e| fail(e.to_string())),
        ExtractFormat::Yaml => {
            let missing: Vec<&str> = ["country", "year"]
                .into_iter()
                .filter(|k| out.facts.get(k).is_none())
                .collect();
            if !missing.is_empty() {
                return Err(vec![Diagnostic::error(
                    "extract-incomplete",
                    format!(
                        "cannot tell the {} of `{}`: a facts file needs both",
                        missing.join(" and "),
                        file.name
                    ),
                )
                .with_help("the country and year come from the title line (`COUNTRY: TIER`) and the file name (`country-2022.txt`); `--year` gives the year")
                .at(&file, 0..0)]);
            }
            let mut text = format!(
                "# Facts read from `{}` by `tiercheck extract`; check every value before use.\n",
                comment_safe(&file.name)
            );
            if !out.unread.is_empty() {
                text.push_str("# Sentences with figures no claim pattern read:\n");
                for u in &out.unread {
                    let short: String = u.text.chars().take(90).collect();
                    text.push_str(&format!("#   line {}: {}\n", u.line, comment_safe(&short)));
                }
            }
            let body = serde_yaml::to_string(&out.facts).map_err(|e| fail(e.to_string()))?;
            text.push_str(&body);
            if let Some(rb) = &rulebook {
                loads_in_assess(&text, &file.name, rb)?;
            }
            Ok(text)
        }
    }
}
