//! The `tiercheck` binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = tiercheck::cli::Cli::parse();
    tiercheck::cli::run(cli).code()
}
