//! One pass over a sentence that tells which of many patterns can match it.
//!
//! `check` tries some two hundred claim patterns (counts, statements) on every sentence of every
//! draft; each is a separate regex search, and that was most of the time `check` spent. Most
//! patterns begin with words ("did not adopt", "identified"): the literal prefixes every match
//! must start with are extracted from each pattern's parse ([`prefixes`], when a
//! [`crate::pattern::Pattern`] is made), and one Aho-Corasick search over the sentence for all of
//! them names the patterns worth running. A pattern without such prefixes (it starts with a
//! figure, a class or a repetition) is always run.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::Hir;

/// Candidate patterns for a text, by index in the list the prefilter was built from.
#[derive(Debug)]
pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// For each literal of `ac`, the patterns it starts.
    owners: Vec<usize>,
    /// Patterns that are run whatever the text.
    always: Vec<usize>,
    len: usize,
}

/// Literals shorter than this make a poor filter; such a pattern is always run.
const MIN_LITERAL: usize = 3;
/// How much of each prefix is searched for.
const KEEP_BYTES: usize = 8;

impl Prefilter {
    /// Build from each pattern's literal prefixes ([`prefixes`]; `None`: always run), matched
    /// ignoring ASCII case.
    pub fn new<'a>(patterns: impl IntoIterator<Item = Option<&'a [Vec<u8>]>>) -> Prefilter {
        let mut literals: Vec<&[u8]> = Vec::new();
        let mut owners = Vec::new();
        let mut always = Vec::new();
        let mut len = 0;
        for (i, p) in patterns.into_iter().enumerate() {
            len = i + 1;
            match p {
                Some(lits) => {
                    for l in lits {
                        literals.push(l);
                        owners.push(i);
                    }
                }
                None => always.push(i),
            }
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .ok();
        if ac.is_none() {
            // Without the automaton every pattern is a candidate.
            always = (0..len).collect();
            owners.clear();
        }
        Prefilter {
            ac,
            owners,
            always,
            len,
        }
    }

    /// Which patterns can match somewhere in `text`.
    pub fn candidates(&self, text: &str) -> Vec<bool> {
        let mut out = vec![false; self.len];
        for &i in &self.always {
            out[i] = true;
        }
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                if let Some(&owner) = self.owners.get(m.pattern().as_usize()) {
                    out[owner] = true;
                }
            }
        }
        out
    }
}

/// The literal prefixes every match of a parsed pattern starts with, lowercased; `None` when
/// there is no finite set of them, or one is too short to be worth searching for. The pattern is
/// parsed as written (not case-folded): the automaton ignores case instead, which keeps the
/// literal sets small.
pub fn prefixes(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    // A few bytes of each prefix filter as well as the whole, with far fewer literals (the
    // alternations of a pattern multiply out).
    seq.keep_first_bytes(KEEP_BYTES);
    seq.dedup();
    let lits = seq.literals()?;
    if lits.is_empty() || lits.iter().any(|l| l.as_bytes().len() < MIN_LITERAL) {
        return None;
    }
    Some(
        lits.iter()
            .map(|l| l.as_bytes().to_ascii_lowercase())
            .collect(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn filter(patterns: &[&str]) -> Prefilter {
        let parsed: Vec<Option<Vec<Vec<u8>>>> = patterns
            .iter()
            .map(|p| prefixes(&regex_syntax::parse(p).unwrap()))
            .collect();
        Prefilter::new(parsed.iter().map(Option::as_deref))
    }

    #[test]
    fn only_patterns_whose_prefix_occurs_are_candidates() {
        let f = filter(&[
            r"(?-u:\b)did not (?:adopt|approve) SOPs",
            r"(?-u:\b)(?:identified|screened) (?P<n>\d+) victims",
            r"(?P<n>\d+) victims",
            r"(?:the )?hotline",
        ]);
        assert_eq!(
            f.candidates("The government Did Not approve SOPs."),
            vec![true, false, true, false]
        );
        assert_eq!(
            f.candidates("It identified 4 victims and ran the hotline."),
            vec![false, true, true, true]
        );
    }

    #[test]
    fn a_candidate_set_never_misses_a_match() {
        let patterns = [
            r"(?-u:\b)(?:made no|did not make) efforts? to reduce",
            r"(?-u:\b)(?:the )?(?:government|authorities) (?:\w+ly )?(?:increased|decreased)",
            r"(?-u:\b)penalt(?:y|ies) of (\d+) years",
        ];
        let f = filter(&patterns);
        for text in [
            "The Government made no efforts to reduce demand.",
            "Authorities significantly decreased efforts.",
            "It prescribed PENALTIES OF 12 years.",
        ] {
            let c = f.candidates(text);
            for (i, p) in patterns.iter().enumerate() {
                let re = regex::RegexBuilder::new(p)
                    .case_insensitive(true)
                    .build()
                    .unwrap();
                if re.is_match(text) {
                    assert!(c[i], "`{p}` matches `{text}` but is no candidate");
                }
            }
        }
    }
}
