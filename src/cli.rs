//! Command-line interface: clap derive and dispatch only. Each command lives in
//! `src/commands/<name>.rs` and returns an [`Exit`].

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands;
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
    #[command(after_help = "Examples:\n  tiercheck assess reports/2022/tajikistan.yaml\n  tiercheck assess reports/2022/*.yaml --format json\n  tiercheck assess reports/2022 --rules my-rules/")]
    Assess(AssessArgs),
    /// Explain a tier decision: the rules that decided, the indicators that fired, with values and citations
    #[command(after_help = "Example:\n  tiercheck explain reports/2022/tajikistan.yaml")]
    Explain(ExplainArgs),
    /// Work on the rules: lint them
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate the rule set: every problem at once, located; exit 0 when clean, 2 on errors
    #[command(after_help = "Examples:\n  tiercheck rules lint\n  tiercheck rules lint --rules my-rules/")]
    Lint(RulesArg),
}

/// `--rules DIR`, shared by every command that reads rules.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesArg {
    /// Rules folder to use instead of the bundled rules
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
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
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A facts file
    #[arg(value_name = "FACTS")]
    pub facts: PathBuf,
    #[command(flatten)]
    pub rules: RulesArg,
}

/// Parse arguments and run the command.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Assess(a) => commands::assess::run(&a),
        Command::Explain(a) => commands::explain::run(&a),
        Command::Rules(RulesCommand::Lint(a)) => commands::lint::run(&a),
    }
}
