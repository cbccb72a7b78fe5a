//! One pass over a sentence that tells which of many patterns can match it.
//!
//! `check` tries some two hundred claim patterns (counts, statements) on every sentence of every
//! draft; each is a separate regex search, and that was most of the time `check` spent. Most
//! patterns begin with words ("did not adopt", "identified"): the literal prefixes every match
//! must start with are extracted from each pattern's parse ([`prefixes`], when a
//! [`crate::pattern::Pattern`] is made), and one Aho-Corasick search over the sentence for all of
//! them names the patterns worth running. A pattern without such prefixes (it starts with a
//! figure, a class or a repetition) is always run. [`Prefilter::starts`] also says where: a
//! pattern with prefixes can begin a match only where one of them occurs, and is searched from
//! those places alone.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use indexmap::IndexSet;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

/// Literals one of which every match of a pattern contains (lowercased): one of its
/// [`requirements`].
pub type Factor = Vec<Vec<u8>>;

/// Candidate patterns for a text, by index in the list the prefilter was built from.
#[derive(Debug)]
pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// For each pattern, the literals (indices into `ac`) one of which it starts with; `None`:
    /// it may start anywhere.
    prefixes: Vec<Option<Vec<usize>>>,
    /// For each pattern, its requirements as literal indices: one of each must occur.
    required: Vec<Vec<Vec<usize>>>,
    literals: usize,
}

/// Literals shorter than this make a poor filter; such a pattern is always run.
const MIN_LITERAL: usize = 3;
/// How much of each prefix is searched for.
const KEEP_BYTES: usize = 8;
/// The requirements kept for one pattern (the most selective).
const MAX_FACTORS: usize = 4;
/// An alternation of more literals than this is no requirement.
const MAX_ALTERNATIVES: usize = 32;

impl Prefilter {
    /// Build from each pattern's literal prefixes ([`prefixes`]; `None`: it may start anywhere)
    /// and its [`requirements`], matched ignoring ASCII case.
    pub fn new<'a>(
        patterns: impl IntoIterator<Item = (Option<&'a [Vec<u8>]>, &'a [Factor])>,
    ) -> Prefilter {
        let mut literals: IndexSet<&[u8]> = IndexSet::new();
        let mut id = |l: &'a [u8]| literals.insert_full(l).0;
        let mut prefixes = Vec::new();
        let mut required = Vec::new();
        for (starts, factors) in patterns {
            prefixes.push(starts.map(|lits| lits.iter().map(|l| id(l)).collect()));
            required.push(
                factors
                    .iter()
                    .map(|f| f.iter().map(|l| id(l)).collect())
                    .collect(),
            );
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .ok();
        Prefilter {
            literals: literals.len(),
            ac,
            prefixes,
            required,
        }
    }

    /// Which patterns can match somewhere in `text`: those whose prefix occurs (or that have
    /// none) and that find each of their requirements.
    pub fn candidates(&self, text: &str) -> Vec<bool> {
        let Some(ac) = &self.ac else {
            // Without the automaton every pattern is a candidate.
            return vec![true; self.prefixes.len()];
        };
        let mut found = vec![false; self.literals];
        for m in ac.find_overlapping_iter(text) {
            if let Some(f) = found.get_mut(m.pattern().as_usize()) {
                *f = true;
            }
        }
        (0..self.prefixes.len())
            .map(|i| self.possible(i, &found))
            .collect()
    }

    /// [`Prefilter::candidates`] with where each can begin a match, found in the same one pass:
    /// a pattern with prefixes begins a match where one of them occurs.
    pub fn starts(&self, text: &str) -> Starts<'_> {
        let mut found = vec![false; self.literals];
        let mut at = Vec::new();
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                let id = m.pattern().as_usize();
                if let Some(f) = found.get_mut(id) {
                    *f = true;
                }
                at.push((id, m.start()));
            }
            at.sort_unstable();
            at.dedup();
        }
        Starts {
            filter: self,
            found: self.ac.is_some().then_some(found),
            at,
        }
    }

    /// Whether pattern `i` can match, given which literals `found` says occur.
    fn possible(&self, i: usize, found: &[bool]) -> bool {
        let any = |ids: &[usize]| ids.iter().any(|&l| found.get(l).copied().unwrap_or(true));
        let prefixes = self.prefixes.get(i).and_then(Option::as_deref);
        prefixes.is_none_or(any)
            && self
                .required
                .get(i)
                .is_none_or(|factors| factors.iter().all(|f| any(f)))
    }
}

/// Where the patterns of a [`Prefilter`] can begin a match in one text.
#[derive(Debug)]
pub struct Starts<'f> {
    filter: &'f Prefilter,
    /// Which literals occur; `None` without an automaton (every pattern may match anywhere).
    found: Option<Vec<bool>>,
    /// (literal, place) of every occurrence, ascending.
    at: Vec<(usize, usize)>,
}

/// Where one pattern can begin a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// It cannot match: a prefix or a literal it requires is absent.
    Nowhere,
    /// It has no prefixes: a match may begin anywhere.
    Anywhere,
    /// At one of these places, ascending.
    At(Vec<usize>),
}

impl Begin {
    /// The places to search from: `None` when it cannot match, `Some(None)` anywhere.
    pub fn places(&self) -> Option<Option<&[usize]>> {
        match self {
            Begin::Nowhere => None,
            Begin::Anywhere => Some(None),
            Begin::At(places) => Some(Some(places)),
        }
    }
}

impl Starts<'_> {
    /// Where pattern `i` can begin a match.
    pub fn of(&self, i: usize) -> Begin {
        let Some(found) = &self.found else {
            return Begin::Anywhere;
        };
        if !self.filter.possible(i, found) {
            return Begin::Nowhere;
        }
        let Some(prefixes) = self.filter.prefixes.get(i).and_then(Option::as_deref) else {
            return Begin::Anywhere;
        };
        let mut places: Vec<usize> = prefixes
            .iter()
            .flat_map(|&l| {
                let from = self.at.partition_point(|&(id, _)| id < l);
                let to = self.at.partition_point(|&(id, _)| id <= l);
                self.at[from..to].iter().map(|&(_, place)| place)
            })
            .collect();
        places.sort_unstable();
        places.dedup();
        Begin::At(places)
    }
}

/// What every match of a parsed pattern contains: a few [`Factor`]s (sets of literals, one of
/// each set in every match), the most selective first. The literals are those of the pattern as
/// written, ASCII only and lowercased (the automaton ignores ASCII case); a part that can be
/// absent (`?`, `*`, `{0,n}`), an alternation with a branch that requires nothing, and literals
/// shorter than three bytes or outside ASCII (which Unicode case folding could match otherwise)
/// require nothing. So a text without one of them cannot match.
pub fn requirements(hir: &Hir) -> Vec<Factor> {
    let mut all = required(hir);
    for f in &mut all {
        f.sort();
        f.dedup();
    }
    all.sort_by_key(|f| {
        let shortest = f.iter().map(Vec::len).min().unwrap_or(0);
        (std::cmp::Reverse(shortest), f.len())
    });
    all.dedup();
    all.truncate(MAX_FACTORS);
    all
}

fn required(hir: &Hir) -> Vec<Factor> {
    match hir.kind() {
        HirKind::Literal(lit) => {
            let bytes = &lit.0;
            if bytes.len() >= MIN_LITERAL && bytes.is_ascii() {
                vec![vec![bytes.to_ascii_lowercase()]]
            } else {
                Vec::new()
            }
        }
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Concat(subs) => subs.iter().flat_map(required).collect(),
        HirKind::Alternation(subs) => {
            let mut factor: Factor = Vec::new();
            for sub in subs {
                // The branch's most selective requirement stands for it.
                match requirements(sub).into_iter().next() {
                    Some(best) => factor.extend(best),
                    None => return Vec::new(),
                }
            }
            if factor.len() > MAX_ALTERNATIVES {
                Vec::new()
            } else {
                vec![factor]
            }
        }
        HirKind::Empty | HirKind::Class(_) | HirKind::Look(_) | HirKind::Repetition(_) => {
            Vec::new()
        }
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
        type Literals = (Option<Vec<Vec<u8>>>, Vec<Factor>);
        let parsed: Vec<Literals> = patterns
            .iter()
            .map(|p| {
                let hir = regex_syntax::parse(p).unwrap();
                (prefixes(&hir), requirements(&hir))
            })
            .collect();
        Prefilter::new(parsed.iter().map(|(p, r)| (p.as_deref(), r.as_slice())))
    }

    #[test]
    fn only_patterns_whose_prefix_occurs_are_candidates() {
        let f = filter(&[
            r"(?-u:\b)did not (?:adopt|approve) SOPs",
            r"(?-u:\b)(?:identified|screened) (?P<n>\d+) victims",
            r"(?P<n>\d+) victims",
            r"(?:the )?hotline",
        ]);
        // The third starts with a figure but requires " victims", which is not there.
        assert_eq!(
            f.candidates("The government Did Not approve SOPs."),
            vec![true, false, false, false]
        );
        assert_eq!(
            f.candidates("It identified 4 victims and ran the hotline."),
            vec![false, true, true, true]
        );
    }

    #[test]
    fn a_pattern_is_no_candidate_where_a_literal_it_requires_is_absent() {
        let f = filter(&[
            r"(?-u:\b)did not report whether[^.;]{0,80}?(?:child|forced) labor",
            r"(?P<n>\d+) (?:potential )?victims?",
            r"(?:shelters?|centers?) (?:for )?(?:\w+ )?victims|hotline",
        ]);
        assert_eq!(
            f.candidates("It did not report whether it trained judges."),
            vec![false, false, false]
        );
        assert_eq!(
            f.candidates("It did not report whether officials used FORCED LABOR; 4 victims."),
            vec![true, true, false]
        );
        assert_eq!(
            f.candidates("Centers for children and a hotline."),
            vec![false, false, true]
        );
    }

    #[test]
    fn requirements_are_what_every_branch_holds() {
        let req = |p: &str| requirements(&regex_syntax::parse(p).unwrap());
        let words = |f: &[Vec<u8>]| {
            f.iter()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect::<Vec<_>>()
        };
        let r = req(r"(?:child|forced) labor|labor (?:laws|code)");
        assert_eq!(r.len(), 1);
        assert_eq!(words(&r[0]), [" labor", "labor "]);
        // An optional part, a branch of short words, and a non-ASCII literal require nothing.
        assert!(req(r"(?:the )?hotline?")
            .iter()
            .all(|f| words(f) != ["the "]));
        assert!(req(r"(?:a|an) plan")
            .iter()
            .all(|f| !words(f).contains(&"a".into())));
        assert!(req(r"Côte").is_empty());
    }

    #[test]
    fn a_candidate_set_never_misses_a_match() {
        let patterns = [
            r"(?-u:\b)(?:made no|did not make) efforts? to reduce",
            r"(?-u:\b)(?:the )?(?:government|authorities) (?:\w+ly )?(?:increased|decreased)",
            r"(?-u:\b)penalt(?:y|ies) of (\d+) years",
            r"(?:identified|referred) [^.;]{0,40}?(?:victims|survivors) (?:of|in) (?:forced|sex)",
            r"(?P<n>\d+) (?:potential )?victims?|hotline",
        ];
        let f = filter(&patterns);
        for text in [
            "The Government made no efforts to reduce demand.",
            "Authorities significantly decreased efforts.",
            "It prescribed PENALTIES OF 12 years.",
            "Police Identified 40 potential VICTIMS of sex trafficking.",
            "It referred nine survivors in forced labor; no hotline.",
            "3 victims",
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

    #[test]
    fn matches_searched_from_their_starts_are_the_matches_searched_anywhere() {
        use crate::pattern::{Captures, Hay, Pattern};
        let sources = [
            r"\b(?:the )?(?:government|authorities) (?:\w+ly )?(?:increased|decreased)",
            r"\bpenalt(?:y|ies) of (?P<n>\d+) years",
            r"\b(?:identified|screened) (?P<n>\d+)",
            r"\bthe hotline\b",
            r"(?P<n>\d+) (?:potential )?victims?",
        ];
        let patterns: Vec<Pattern> = sources
            .iter()
            .map(|s| Pattern::new_prefiltered((*s).to_string(), true).unwrap())
            .collect();
        let f = filter(&sources);
        let spans = |cs: Vec<Captures<'_>>| -> Vec<Vec<Option<(usize, usize)>>> {
            cs.iter()
                .map(|c| {
                    (0..c.len())
                        .map(|g| c.get(g).map(|m| (m.start(), m.end())))
                        .collect()
                })
                .collect()
        };
        for text in [
            "The Government increased and the authorities decreased; the government sharply increased.",
            "Penalties of 5 years, PENALTY OF 12 years and penalty of x years.",
            "It identified 4, screened 17 and re-identified 3; Identified 5 victims.",
            "thehotline, the hotline, The Hotline; 3 potential victims and 4 victim.",
            "Nothing here.",
        ] {
            let starts = f.starts(text);
            let hay = Hay::new(text);
            for (i, p) in patterns.iter().enumerate() {
                let begin = starts.of(i);
                assert_eq!(begin != Begin::Nowhere, f.candidates(text)[i], "{i}: {text}");
                let at = match &begin {
                    Begin::Nowhere => {
                        assert!(!p.is_match(text), "{i}: {text}");
                        continue;
                    }
                    Begin::Anywhere => None,
                    Begin::At(places) => Some(places.as_slice()),
                };
                assert!(i == 4 || at.is_some(), "`{}` has prefixes", sources[i]);
                assert_eq!(p.is_match_in(&hay, at), p.is_match(text), "{i}: {text}");
                assert_eq!(
                    spans(p.captures_iter_in(&hay, at)),
                    spans(p.captures_iter(text).collect()),
                    "{i}: {text}"
                );
                assert_eq!(
                    p.captures_in(&hay, at)
                        .and_then(|c| c.get(0))
                        .map(|m| m.range()),
                    p.captures(text).and_then(|c| c.get(0)).map(|m| m.range()),
                    "{i}: {text}"
                );
            }
        }
    }
}
