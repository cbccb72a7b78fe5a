//! Any bytes as criteria.yaml of the bundled rules: a rulebook, or located problems; never a
//! panic, an abort or a hang (conditions are bounded at parse and at evaluation).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tiercheck::rulebook::{RuleFiles, Rulebook};
use tiercheck::source::source_from_bytes;

fuzz_target!(|data: &[u8]| {
    let Ok(mut files) = RuleFiles::bundled() else {
        return;
    };
    if let Ok(f) = source_from_bytes("criteria.yaml".into(), data.to_vec()) {
        files.files.insert("criteria.yaml".into(), f);
        let _ = Rulebook::from_files(files);
    }
});
