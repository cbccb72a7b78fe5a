//! Command-line interface: clap derive and dispatch only. Each command lives in
//! `src/commands/<name>.rs` and returns an [`Exit`].

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands;
use crate::config::{Lookup, Project};
use crate::diagnostic::Diagnostic;
use crate::Exit;

#[derive(Debug, Parser)]
#[command(
    name = "tiercheck",
    version,
    about = "Assess TIP Report tiers from facts and rules, draft narratives, and check drafts before publication",
    long_about = "tiercheck scores a country's facts against YAML rules that encode the TVPA minimum standards, \
decides its tier with a trace of why, and checks draft narratives against the facts and the rules.\n\n\
Exit codes: 0 clean, 1 findings, 2 could not run.",
    after_help = "Examples:\n  tiercheck assess reports/2022/tajikistan.yaml\n  tiercheck assess reports/2022 --format json\n  tiercheck explain reports/2022/tajikistan.yaml\n  tiercheck rules lint --rules my-rules/"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Assess facts files: tier, movement, standards, criteria, pillar trends, strengths and gaps
    #[command(
        after_help = "Examples:\n  tiercheck assess reports/2022/tajikistan.yaml\n  tiercheck assess reports/2022/*.yaml --format json\n  tiercheck assess reports/2022 --rules my-rules/"
    )]
    Assess(AssessArgs),
    /// Explain a tier decision: the rules that decided, the indicators that fired, with values and citations
    #[command(after_help = "Example:\n  tiercheck explain reports/2022/tajikistan.yaml")]
    Explain(ExplainArgs),
    /// Draft the country narrative from the assessment of a facts file, with the templates of templates/
    #[command(
        after_help = "Examples:\n  tiercheck draft reports/2022/tajikistan.yaml\n  tiercheck draft reports/2022/tajikistan.yaml -o drafts/tajikistan.txt\n  tiercheck draft reports/2022/tajikistan.yaml --templates my-templates/"
    )]
    Draft(commands::draft::DraftArgs),
    /// Check narrative drafts before publication: structure, tier wording, numbers, money, style; with --facts, against the assessment
    #[command(
        after_help = "Examples:\n  tiercheck check drafts/tajikistan.txt\n  tiercheck check drafts/ --facts reports/ --format json\n  tiercheck check --explain trend-word-mismatch"
    )]
    Check(commands::check::CheckArgs),
    /// Read a published narrative into a facts file (YAML), or JSON with the stated tier and unread sentences
    #[command(
        after_help = "Examples:\n  tiercheck extract tajikistan-2022.txt -o reports/2022/tajikistan.yaml\n  tiercheck extract tajikistan-2022.txt --format json"
    )]
    Extract(commands::extract::ExtractArgs),
    /// Work on the rules: lint them, run their test cases, see the impact of an edit
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Write a report year as a static site: overview, criteria heatmap, a page per country; with drafts checked and a rule edit's impact
    #[command(
        after_help = "Examples:\n  tiercheck report reports/2022 -o site\n  tiercheck report reports/2022 --drafts drafts/ --base-rules old-rules/ -o site"
    )]
    Report(commands::report::ReportArgs),
    /// Print JSON Schemas of facts files and rule files, for editors' YAML language servers
    #[command(
        after_help = "Examples:\n  tiercheck schema facts > facts.schema.json\n  tiercheck schema rules criteria\n  tiercheck schema --write rules/schema"
    )]
    Schema(commands::schema::SchemaArgs),
    /// List every check code of `check` with its kind, severity, whether it has a safe fix, and its summary
    #[command(after_help = "Examples:\n  tiercheck codes\n  tiercheck codes --format json")]
    Codes(commands::codes::CodesArgs),
    /// List the facts catalog: every fact a facts file can state, with its type and description
    #[command(after_help = "Examples:\n  tiercheck facts\n  tiercheck facts --format json")]
    Facts(commands::codes::FactsArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(
        after_help = "Examples:\n  tiercheck completions bash > ~/.local/share/bash-completion/completions/tiercheck\n  tiercheck completions zsh > ~/.zfunc/_tiercheck"
    )]
    Completions(commands::shell::CompletionsArgs),
    /// Print the man page (roff) of tiercheck
    #[command(after_help = "Example:\n  tiercheck man > tiercheck.1 && man ./tiercheck.1")]
    Man,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate the rule set: every problem at once, located; exit 0 when clean, 2 on errors
    #[command(
        after_help = "Examples:\n  tiercheck rules lint\n  tiercheck rules lint --rules my-rules/"
    )]
    Lint(commands::lint::LintArgs),
    /// Run the rule test cases of <rules>/tests/*.yaml; exit 0 all pass, 1 failures (or uncovered rules with --coverage), 2 could not run
    #[command(
        after_help = "Examples:\n  tiercheck rules test\n  tiercheck rules test --rules my-rules/ --coverage"
    )]
    Test(commands::test::RulesTestArgs),
    /// Assess facts files under base and edited rules and list what changes, country by country; exit 0 with or without changes
    #[command(
        after_help = "Examples:\n  tiercheck rules diff --base old-rules/ --rules rules/\n  tiercheck rules diff --base old-rules/ --rules rules/ reports/2022 --format json"
    )]
    Diff(commands::diff::RulesDiffArgs),
}

/// `--rules DIR` and the configuration file, shared by every command that reads rules.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RulesArg {
    /// Rules folder to use instead of the configured or bundled rules
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Read this configuration file instead of the nearest `tiercheck.toml` found upward
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Read no `tiercheck.toml`: bundled rules and templates unless flags say otherwise
    #[arg(long)]
    pub no_config: bool,
}

impl RulesArg {
    /// The configuration (if any) under these flags.
    pub fn project(&self) -> Result<Project, Vec<Diagnostic>> {
        let lookup = Lookup {
            explicit: self.config.clone(),
            disabled: self.no_config,
        };
        Ok(Project::new(lookup.load()?, self.rules.clone()))
    }
}

#[derive(Debug, Clone, Copy, Default, ValueEnum, PartialEq, Eq)]
pub enum TextOrJson {
    #[default]
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct AssessArgs {
    /// Facts files, or folders of them (`reports/2022`)
    #[arg(required = true, value_name = "FACTS")]
    pub facts: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: TextOrJson,
    /// Re-run on every save of the facts (and of the `--rules` folder), printing only what changed
    #[arg(long)]
    pub watch: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A facts file
    #[arg(value_name = "FACTS")]
    pub facts: PathBuf,
    #[command(flatten)]
    pub rules: RulesArg,
    /// Output format: the trace as text, or the assessment (trace, indicators, evidence) as JSON
    #[arg(long, value_enum, default_value_t)]
    pub format: TextOrJson,
}

/// Parse arguments and run the command.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Assess(a) => commands::assess::run(&a),
        Command::Explain(a) => commands::explain::run(&a),
        Command::Draft(a) => commands::draft::run(&a),
        Command::Rules(RulesCommand::Lint(a)) => commands::lint::run(&a),
        Command::Rules(RulesCommand::Test(a)) => commands::test::run(&a),
        Command::Rules(RulesCommand::Diff(a)) => commands::diff::run(&a),
        Command::Schema(a) => commands::schema::run(&a),
        Command::Check(a) => commands::check::run(&a),
        Command::Extract(a) => commands::extract::run(&a),
        Command::Codes(a) => commands::codes::run_codes(&a),
        Command::Facts(a) => commands::codes::run_facts(&a),
        Command::Completions(a) => commands::shell::completions(&a),
        Command::Man => commands::shell::man(),
        Command::Report(a) => commands::report::run(&a),
    }
}
