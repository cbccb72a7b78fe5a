//! One file per subcommand. Each takes its parsed arguments, prints its output, and returns an
//! [`crate::Exit`].

pub mod assess;
pub mod explain;
pub mod lint;
