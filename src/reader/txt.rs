//! Plain text (and the light Markdown writers put in it): [`crate::normalize::plain`].

use crate::diagnostic::Diagnostic;
use crate::normalize::{self, LineShapes, Normalized};

use super::Reader;

pub struct Text;

impl Reader for Text {
    fn read(
        &self,
        name: &str,
        bytes: Vec<u8>,
        shapes: &dyn LineShapes,
        _limit: u64,
    ) -> Result<Normalized, Diagnostic> {
        let file = super::text_file(name, bytes)?;
        Ok(normalize::plain(&file, shapes))
    }
}
