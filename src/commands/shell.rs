//! `tiercheck completions SHELL` and `tiercheck man`: generated from the clap definition of the
//! command line, so they never drift from it.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::Exit;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn completions(args: &CompletionsArgs) -> Exit {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "tiercheck", &mut buf);
    crate::out!("{}", String::from_utf8_lossy(&buf));
    Exit::Clean
}

pub fn man() -> Exit {
    let mut buf = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut buf) {
        Ok(()) => {
            crate::out!("{}", String::from_utf8_lossy(&buf));
            Exit::Clean
        }
        Err(e) => {
            eprintln!("error: cannot write the man page: {e}");
            Exit::Failed
        }
    }
}
