#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Fuzzing that stays, on stable: property tests (proptest) for the narrative reader, the facts
//! loader and the rule loader, and a seeded, bounded mutation run over the bundled narratives and
//! facts files. Every input ends in a result or in located diagnostics; never a panic, a position
//! outside the text, or a different result the second time. Longer runs by hand: `fuzz/`.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use tiercheck::check::{check_draft, CheckRules, Selection};
use tiercheck::diagnostic::Diagnostic;
use tiercheck::facts::Facts;
use tiercheck::rulebook::{RuleFiles, Rulebook};
use tiercheck::source::{source_from_bytes, SourceFile};

fn rulebook() -> &'static Rulebook {
    static R: OnceLock<Rulebook> = OnceLock::new();
    R.get_or_init(|| Rulebook::load(None).unwrap())
}

fn check_rules() -> &'static CheckRules {
    static R: OnceLock<CheckRules> = OnceLock::new();
    R.get_or_init(|| CheckRules::load(&RuleFiles::bundled().unwrap(), Some(rulebook())).unwrap())
}

/// Every diagnostic points inside its file, on character boundaries.
fn assert_located_inside(ds: &[Diagnostic]) {
    for d in ds {
        if let Some(l) = &d.location {
            let t = &l.file.text;
            assert!(
                l.span.start <= l.span.end && l.span.end <= t.len(),
                "`{}` at {:?} outside {} bytes",
                d.code,
                l.span,
                t.len()
            );
            assert!(
                t.is_char_boundary(l.span.start) && t.is_char_boundary(l.span.end),
                "`{}` at {:?} inside a character",
                d.code,
                l.span
            );
            let _ = d.line_cols();
        }
    }
}

fn shape(ds: &[Diagnostic]) -> Vec<String> {
    ds.iter()
        .map(|d| {
            format!(
                "{} {} {:?}",
                d.code,
                d.message,
                d.location.as_ref().map(|l| l.span.clone())
            )
        })
        .collect()
}

fn check_text(text: &str) -> Vec<Diagnostic> {
    let file = SourceFile::new("draft.txt", text.to_string());
    let ds = check_draft(&file, check_rules(), None, &Selection::default(), None);
    assert_located_inside(&ds);
    // The human renderer reads every span too.
    let _ =
        tiercheck::diagnostic::render_human_all(&ds, tiercheck::diagnostic::HumanStyle::plain());
    ds
}

fn load_facts(bytes: &[u8]) -> Result<Facts, Vec<Diagnostic>> {
    let file: Arc<SourceFile> =
        source_from_bytes("facts.yaml".into(), bytes.to_vec()).map_err(|d| vec![d])?;
    let out = Facts::parse(&file, Path::new("facts.yaml"), rulebook());
    if let Err(ds) = &out {
        assert_located_inside(ds);
    }
    out
}

/// Words and marks narratives are made of, so random text reaches the grammar, not only the
/// fallbacks.
fn narrative_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("TAJIKISTAN: Tier 2\n".to_string()),
        Just("PROSECUTION\n".to_string()),
        Just("PROTECTION\n".to_string()),
        Just("The government investigated ".to_string()),
        Just("cases, compared with ".to_string()),
        Just("convicted ".to_string()),
        Just("in 2021".to_string()),
        Just(" victims".to_string()),
        Just(", of whom ".to_string()),
        Just("Of the ".to_string()),
        Just("decreased".to_string()),
        Just("increased".to_string()),
        Just(". ".to_string()),
        Just("\n\n".to_string()),
        Just("\r".to_string()),
        Just("\r\n".to_string()),
        Just("- ".to_string()),
        Just("* ".to_string()),
        Just("# ".to_string()),
        Just("[Writer: check]".to_string()),
        Just("somoni (USD 1,000)".to_string()),
        Just("\u{1b}[31m".to_string()),
        Just("\u{feff}".to_string()),
        Just("\u{ad}\u{200b}\u{a0}".to_string()),
        (0u64..2_000_000).prop_map(|n| n.to_string()),
        "[a-zA-Z ,.;:()'\"-]{0,12}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    #[test]
    fn any_text_checks_without_panic_inside_the_text_and_the_same_twice(
        pieces in prop::collection::vec(narrative_piece(), 0..60)
    ) {
        let text: String = pieces.concat();
        let first = check_text(&text);
        let second = check_text(&text);
        prop_assert_eq!(shape(&first), shape(&second));
    }

    #[test]
    fn any_string_checks_without_panic(text in any::<String>()) {
        check_text(&text);
    }

    #[test]
    fn any_bytes_load_as_facts_or_fail_located(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = load_facts(&bytes);
    }

    #[test]
    fn mutated_facts_yaml_loads_or_fails_located(
        seed in any::<u64>(),
        edits in 1usize..8,
    ) {
        let text = std::fs::read("reports/2022/tajikistan.yaml").unwrap();
        let mutated = mutate(&text, seed, edits);
        let _ = load_facts(&mutated);
    }

    #[test]
    fn mutated_rule_files_load_or_fail_located(seed in any::<u64>(), which in 0usize..4) {
        let name = ["criteria.yaml", "pillars.yaml", "claims.yaml", "style.yaml"][which];
        let mut files = RuleFiles::bundled().unwrap();
        let original = files.files[name].text.as_bytes().to_vec();
        let mutated = mutate(&original, seed, 3);
        let Ok(f) = source_from_bytes(name.to_string(), mutated) else { return Ok(()) };
        files.files.insert(name.to_string(), f);
        match Rulebook::from_files(files.clone()) {
            Ok(rb) => {
                if let Err(ds) = CheckRules::load(&files, Some(&rb)) {
                    assert_located_inside(&ds);
                }
            }
            Err(ds) => assert_located_inside(&ds),
        }
    }
}

/// A small deterministic generator (xorshift), so the mutation run is the same every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that break parsers: structure, digits, line ends, controls, a multi-byte character.
const INTERESTING: &[&[u8]] = &[
    b":",
    b"-",
    b"[",
    b"]",
    b"{",
    b"}",
    b"\n",
    b"\r",
    b"\t",
    b" ",
    b"'",
    b"\"",
    b"#",
    b"&a",
    b"*a",
    b"!!str",
    b"0",
    b"9",
    b"99999999999999999999999",
    b"-1",
    b"1e-22",
    b"null",
    b"~",
    b"\xc3\xa9",
    b"\x1b",
    b"\xef\xbb\xbf",
    b"\xff",
];

/// `edits` random edits of `input`: delete a span, duplicate one, insert interesting bytes,
/// flip a byte.
fn mutate(input: &[u8], seed: u64, edits: usize) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let mut out = input.to_vec();
    for _ in 0..edits {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 => {
                let len = rng.below(40).min(out.len() - at.min(out.len()));
                out.drain(at..at + len);
            }
            1 => {
                let len = rng.below(200).min(out.len() - at.min(out.len()));
                let copy = out[at..at + len].to_vec();
                out.splice(at..at, copy);
            }
            2 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(at..at, piece.iter().copied());
            }
            _ => {
                if at < out.len() {
                    out[at] = rng.next() as u8;
                }
            }
        }
    }
    out
}

#[test]
fn seeded_mutation_run_over_the_bundled_narratives_and_facts() {
    let mut narratives: Vec<Vec<u8>> = ["tests/check/clean.txt", "tests/check/style-warnings.txt"]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    // The real narrative, when the domain folder is there (it is never copied in).
    if let Ok(real) = std::fs::read("../shared/domain/tajikistan-2022.txt") {
        narratives.push(real);
    }
    let facts: Vec<Vec<u8>> = std::fs::read_dir("reports/2022")
        .unwrap()
        .flatten()
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    let mut rng = Rng(0x7165_7263_6865_636b);
    for round in 0..40 {
        let n = &narratives[round % narratives.len()];
        let mutated = mutate(n, rng.next(), 1 + rng.below(12));
        if let Ok(file) = source_from_bytes("draft.txt".into(), mutated) {
            let first = shape(&check_text(&file.text));
            assert_eq!(first, shape(&check_text(&file.text)), "round {round}");
        }
        let f = &facts[round % facts.len()];
        let _ = load_facts(&mutate(f, rng.next(), 1 + rng.below(12)));
    }
}
