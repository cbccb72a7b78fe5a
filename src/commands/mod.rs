//! One file per subcommand. Each takes its parsed arguments, prints its output, and returns an
//! [`crate::Exit`].

pub mod assess;
pub mod check;
pub mod codes;
pub mod diff;
pub mod draft;
pub mod explain;
pub mod extract;
pub mod lint;
pub mod report;
pub mod schema;
pub mod shell;
pub mod test;
