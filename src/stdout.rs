//! Standard output that survives a closed pipe.
//!
//! `print!` panics when the reader has gone (`tiercheck assess ... | head`). Every command
//! writes through [`write`] instead: a closed pipe ends the process quietly with exit 0, as the
//! reader asked for no more; any other write error ends it with exit 2 and a message.

use std::io::{ErrorKind, Write};

/// Writes `text` to standard output and flushes it.
pub fn write(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: could not write to standard output: {e}");
        std::process::exit(2);
    }
}

/// `print!` through [`write`].
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::stdout::write(&format!($($arg)*)) };
}

/// `println!` through [`write`].
#[macro_export]
macro_rules! outln {
    () => { $crate::stdout::write("\n") };
    ($($arg:tt)*) => { $crate::stdout::write(&format!("{}\n", format_args!($($arg)*))) };
}
