//! Any bytes as a facts file: loaded, or refused with located diagnostics; never a panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tiercheck::facts::Facts;
use tiercheck::rulebook::Rulebook;
use tiercheck::source::source_from_bytes;

fn rules() -> &'static Rulebook {
    static R: OnceLock<Rulebook> = OnceLock::new();
    R.get_or_init(|| Rulebook::load(None).expect("bundled rules"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = source_from_bytes("facts.yaml".into(), data.to_vec()) {
        let _ = Facts::parse(&file, Path::new("facts.yaml"), rules());
    }
});
