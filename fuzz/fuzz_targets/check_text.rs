//! Any bytes as a draft: refused with a located diagnostic, or checked with every finding inside
//! the text.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tiercheck::check::{check_draft, CheckRules, Selection};
use tiercheck::rulebook::{RuleFiles, Rulebook};
use tiercheck::source::source_from_bytes;

fn rules() -> &'static CheckRules {
    static R: OnceLock<CheckRules> = OnceLock::new();
    R.get_or_init(|| {
        let files = RuleFiles::bundled().expect("bundled rules");
        let rb = Rulebook::from_files(files.clone()).expect("bundled rulebook");
        CheckRules::load(&files, Some(&rb)).expect("bundled check rules")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(file) = source_from_bytes("draft.txt".into(), data.to_vec()) else {
        return;
    };
    for d in check_draft(&file, rules(), None, &Selection::default(), None) {
        if let Some(l) = &d.location {
            assert!(l.span.end <= l.file.text.len());
        }
    }
});
