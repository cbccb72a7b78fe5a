//! The `tiercheck` binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;

/// `check` over a whole report allocates many small strings and maps on every core; mimalloc
/// serves them markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = tiercheck::cli::Cli::parse();
    tiercheck::cli::run(cli).code()
}
