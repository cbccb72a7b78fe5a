//! A regular expression from the rules (claims.yaml, style.yaml): parsed when the rules load, so a
//! bad pattern is a located error at once, and compiled the first time it is used, or ahead of
//! use on a spare core ([`compile_in_background`]).
//!
//! Compiling every pattern was most of `check`'s start-up. Parsing (`regex_syntax`) is a small
//! part of a compile and finds every syntax error; the same parse gives the named groups and the
//! literal prefixes [`crate::prefilter`] needs, and its syntax tree is kept for the compile. A
//! [`Pattern`] searches like a [`regex::Regex`] (`is_match`, `find`, `find_iter`, `captures`,
//! `captures_iter`, with the same [`Match`] and [`Captures`] methods), on the same engine
//! (`regex_automata::meta`), configured for what the rules need:
//!
//! - No pattern builds a literal prefilter of its own (literal extraction and Teddy were 40% of
//!   a compile): each searches one sentence at a time. Count and statement patterns run only
//!   where [`crate::prefilter`] found one of their prefixes and every literal they require
//!   ([`Pattern::new_prefiltered`]); a pattern no sentence of a draft calls for is not compiled.
//! - Case is ignored by searching the text with its ASCII letters lowercased (same length, same
//!   offsets) for the pattern with its ASCII letters lowercased, rather than by Unicode case
//!   folding every letter into a class: a third of a compile. Letters outside ASCII, and
//!   classes, keep the engine's case folding; a pattern with a case-sensitive part (`(?-i:...)`)
//!   over letters is compiled the usual way.
//! - Classes over ASCII (`.`, `\s`, `\S`, `\d`, `[^.;]`, `[0-9A-Za-z_-]`) match bytes, not
//!   characters ([`bytewise_classes`]): a Unicode `[^.;]` is a small automaton of its own, and
//!   repeated in `[^.;]{0,80}?` it was most of a pattern's compile and of its lazy DFA's states.
//!   Such a class matches the bytes of any non-ASCII character one by one, so a bounded
//!   repetition counts bytes; a match or group that would begin or end inside a character is
//!   widened to the whole character ([`Match`]).
//! - A sentence that many patterns search is a [`Hay`]: lowercased once for all of them. A
//!   pattern placed by the prefilter is searched anchored at each place one of its prefixes
//!   occurs (`is_match_in`, `captures_in`, `captures_iter_in` with `starts`), which fails
//!   within a few bytes where the text goes on otherwise, rather than over the whole sentence.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError};

use regex_automata::meta;
use regex_automata::util::captures::Captures as Slots;
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{self, Hir, HirKind};

use crate::prefilter;

/// The most memory one compiled pattern may take.
pub const SIZE_LIMIT: usize = 1 << 24;

/// The longest pattern, placeholders expanded: the longest in the bundled rules is well under
/// 2 KiB; a longer one costs memory in proportion at every stage of the compile.
pub const MAX_PATTERN_BYTES: usize = 16 * 1024;

/// A pattern checked and ready to compile. Clones share the compiled regex.
#[derive(Clone)]
pub struct Pattern(Arc<Inner>);

struct Inner {
    source: String,
    case_insensitive: bool,
    /// Group names by group index (0 is the whole match), as `regex::Regex::capture_names`
    /// gives them.
    names: Vec<Option<String>>,
    /// The literals every match starts with, lowercased; `None` when there is no short list.
    prefixes: Option<Vec<Vec<u8>>>,
    /// The literals every match contains ([`prefilter::requirements`]).
    required: Vec<prefilter::Factor>,
    /// What the load-time parse leaves for the compile, until the compile takes it.
    parsed: Mutex<Option<Parsed>>,
    regex: OnceLock<Compiled>,
    /// Left out of a compile in the background ([`Pattern::defer`]).
    deferred: AtomicBool,
}

/// A parse kept for the compile.
enum Parsed {
    /// Translated with ASCII letters lowercased ([`lowercase_ascii`]), case-sensitively: compiled
    /// as it is, to search lowercased text.
    Lowercase(Hir),
    /// A case-sensitive pattern, or one with a case-sensitive part over letters: the tree, to
    /// translate as the pattern says at the compile.
    Ast(Ast),
}

/// What a load-time parse gives: the parse kept for the compile, the group names, and the
/// prefilter's literals (prefixes and requirements).
type Read = (Parsed, Vec<Option<String>>, Literals);

/// A pattern's literal prefixes and requirements, for [`crate::prefilter`].
type Literals = (Option<Vec<Vec<u8>>>, Vec<prefilter::Factor>);

fn literals(hir: &Hir, prefiltered: bool) -> Literals {
    if prefiltered {
        (prefilter::prefixes(hir), prefilter::requirements(hir))
    } else {
        (None, Vec::new())
    }
}

/// Parse and translate `source` (the translation finds the errors parsing does not: unknown
/// classes, invalid UTF-8). The group names and the prefilter's literals come from a
/// case-sensitive translation: the prefilter ignores ASCII case itself, and letters folded into
/// classes would multiply its literals.
fn read(source: &str, case_insensitive: bool, prefiltered: bool) -> Result<Read, String> {
    let parse = || {
        ast::parse::Parser::new()
            .parse(source)
            .map_err(|e| reason(&e))
    };
    let translate = |ast: &Ast| {
        hir::translate::TranslatorBuilder::new()
            .utf8(false)
            .build()
            .translate(source, ast)
            .map_err(|e| reason(&e))
    };
    let mut ast = parse()?;
    bytewise_classes(&mut ast);
    if case_insensitive && lowercase_ascii(&mut ast) {
        let hir = translate(&ast)?;
        let (names, literals) = (group_names(&hir), literals(&hir, prefiltered));
        return Ok((Parsed::Lowercase(hir), names, literals));
    }
    // The tree may be half lowercased: parse again.
    let ast = if case_insensitive {
        let mut ast = parse()?;
        bytewise_classes(&mut ast);
        ast
    } else {
        ast
    };
    let hir = translate(&ast)?;
    Ok((
        Parsed::Ast(ast),
        group_names(&hir),
        literals(&hir, prefiltered),
    ))
}

/// The last line of a parse error: the reason, without the pattern and the caret.
fn reason(e: &dyn fmt::Display) -> String {
    let text = e.to_string();
    text.lines().last().unwrap_or("").trim().to_string()
}

/// A compiled pattern, and whether it searches the text with ASCII letters lowercased.
struct Compiled {
    re: meta::Regex,
    lowercase: bool,
}

impl Pattern {
    /// Parse `source`; the error is the parser's one-line reason.
    pub fn new(source: String, case_insensitive: bool) -> Result<Pattern, String> {
        Self::parse(source, case_insensitive, false)
    }

    /// [`Pattern::new`] for a pattern run only on text where a [`crate::prefilter::Prefilter`]
    /// found its [`Pattern::literals`], which are extracted for it.
    pub fn new_prefiltered(source: String, case_insensitive: bool) -> Result<Pattern, String> {
        Self::parse(source, case_insensitive, true)
    }

    fn parse(source: String, case_insensitive: bool, prefiltered: bool) -> Result<Pattern, String> {
        if source.len() > MAX_PATTERN_BYTES {
            return Err(format!(
                "the pattern is {} bytes long (placeholders expanded), more than the {MAX_PATTERN_BYTES} a pattern may be",
                source.len()
            ));
        }
        let (parsed, names, (prefixes, required)) = read(&source, case_insensitive, prefiltered)?;
        Ok(Pattern(Arc::new(Inner {
            prefixes,
            required,
            source,
            case_insensitive,
            names,
            parsed: Mutex::new(Some(parsed)),
            regex: OnceLock::new(),
            deferred: AtomicBool::new(false),
        })))
    }

    /// The pattern as compiled.
    pub fn as_str(&self) -> &str {
        &self.0.source
    }

    /// The group names by index, without compiling.
    pub fn capture_names(&self) -> impl Iterator<Item = Option<&str>> {
        self.0.names.iter().map(Option::as_deref)
    }

    /// The literals every match starts with (lowercase), for the prefilter.
    pub fn prefixes(&self) -> Option<&[Vec<u8>]> {
        self.0.prefixes.as_deref()
    }

    /// The prefilter's literals: the prefixes, and what every match contains.
    pub fn literals(&self) -> (Option<&[Vec<u8>]>, &[prefilter::Factor]) {
        (self.prefixes(), &self.0.required)
    }

    /// Compile now, saying why it failed: a parsed pattern can still be too large.
    pub fn compile(&self) -> Result<(), String> {
        if self.is_compiled() {
            return Ok(());
        }
        let re = self.build()?;
        self.0.regex.get_or_init(|| re);
        Ok(())
    }

    /// The compiled pattern. A pattern that fails to compile (only a size limit can still fail
    /// after parsing) matches nothing; [`Pattern::compile`] says why.
    fn compiled(&self) -> &Compiled {
        self.0.regex.get_or_init(|| {
            self.build().unwrap_or_else(|_| Compiled {
                re: NEVER.clone(),
                lowercase: false,
            })
        })
    }

    /// Leave it out of [`compile_in_background`] (the text to be searched cannot match it): it
    /// still compiles when it is used.
    pub fn defer(&self) {
        self.0.deferred.store(true, Ordering::Relaxed);
    }

    /// Whether it is compiled already.
    pub fn is_compiled(&self) -> bool {
        self.0.regex.get().is_some()
    }

    fn build(&self) -> Result<Compiled, String> {
        let kept = self
            .0
            .parsed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // Taken by a compile on another thread (`compile` racing the background): parse again.
        let parsed = match kept {
            Some(p) => p,
            None => read(&self.0.source, self.0.case_insensitive, false)?.0,
        };
        let (hir, lowercase) = match parsed {
            Parsed::Lowercase(hir) => (hir, true),
            Parsed::Ast(ast) => {
                let hir = hir::translate::TranslatorBuilder::new()
                    .case_insensitive(self.0.case_insensitive)
                    .utf8(false)
                    .build()
                    .translate(&self.0.source, &ast)
                    .map_err(|e| reason(&e))?;
                (hir, false)
            }
        };
        let re = meta::Builder::new()
            .configure(
                meta::Config::new()
                    .auto_prefilter(false)
                    // A full DFA is built only for small patterns, and cost more to build than
                    // it saved over the lazy one on sentences.
                    .dfa(false)
                    .nfa_size_limit(Some(SIZE_LIMIT)),
            )
            .build_from_hir(&hir)
            .map_err(|e| e.to_string())?;
        Ok(Compiled { re, lowercase })
    }

    /// The compiled regex and the text it searches in `hay` (the text, or its lowercased copy).
    fn prepare<'a>(&self, hay: &'a Hay<'_>) -> (&meta::Regex, &'a str) {
        let c = self.compiled();
        (&c.re, hay.for_search(c.lowercase))
    }

    /// Whether it matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.is_match_in(&Hay::new(text), None)
    }

    /// The leftmost-first match in `text`.
    pub fn find<'h>(&self, text: &'h str) -> Option<Match<'h>> {
        let hay = Hay::new(text);
        let (re, searched) = self.prepare(&hay);
        re.find(searched).map(|m| Match::new(text, m.range()))
    }

    /// Every successive non-overlapping match in `text`.
    pub fn find_iter<'h>(&self, text: &'h str) -> impl Iterator<Item = Match<'h>> {
        self.find_iter_in(&Hay::new(text)).into_iter()
    }

    /// The groups of the leftmost-first match in `text`.
    pub fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        self.captures_in(&Hay::new(text), None)
    }

    /// The groups of every successive non-overlapping match in `text`.
    pub fn captures_iter<'h>(&self, text: &'h str) -> impl Iterator<Item = Captures<'h>> {
        self.captures_iter_in(&Hay::new(text), None).into_iter()
    }

    /// Whether it matches in `hay`: anywhere (`starts` `None`), or beginning at one of `starts`
    /// (sorted byte offsets where, as [`crate::prefilter::Prefilter::starts`] found, every match
    /// must begin; each is tried anchored, which fails within a few bytes where the text does
    /// not continue as the pattern does).
    pub fn is_match_in(&self, hay: &Hay<'_>, starts: Option<&[usize]>) -> bool {
        let (re, text) = self.prepare(hay);
        match starts {
            None => re.is_match(text),
            Some(starts) => starts.iter().any(|&at| re.is_match(anchored(text, at))),
        }
    }

    /// The groups of the leftmost-first match in `hay`, anywhere or beginning at one of
    /// `starts` (see [`Pattern::is_match_in`]): the first start with a match gives it, as no
    /// match begins before it.
    pub fn captures_in<'h>(&self, hay: &Hay<'h>, starts: Option<&[usize]>) -> Option<Captures<'h>> {
        let (re, text) = self.prepare(hay);
        let mut slots = re.create_captures();
        match starts {
            None => re.captures(text, &mut slots),
            Some(starts) => {
                for &at in starts {
                    re.captures(anchored(text, at), &mut slots);
                    if slots.is_match() {
                        break;
                    }
                }
            }
        }
        slots.is_match().then_some(Captures {
            text: hay.text,
            slots,
        })
    }

    /// The groups of every successive non-overlapping match in `hay`, anywhere or each
    /// beginning at one of `starts` (see [`Pattern::is_match_in`]).
    pub fn captures_iter_in<'h>(
        &self,
        hay: &Hay<'h>,
        starts: Option<&[usize]>,
    ) -> Vec<Captures<'h>> {
        let (re, text) = self.prepare(hay);
        let Some(starts) = starts else {
            return re
                .captures_iter(text)
                .map(|slots| Captures {
                    text: hay.text,
                    slots,
                })
                .collect();
        };
        let mut found = Vec::new();
        // The next match begins where the last one ended, or later (an empty one, after it).
        let mut from = 0;
        for &at in starts {
            if at < from {
                continue;
            }
            let mut slots = re.create_captures();
            re.captures(anchored(text, at), &mut slots);
            if let Some(m) = slots.get_match() {
                from = if m.is_empty() { m.end() + 1 } else { m.end() };
                found.push(Captures {
                    text: hay.text,
                    slots,
                });
            }
        }
        found
    }

    /// Every successive non-overlapping match in `hay`.
    pub fn find_iter_in<'h>(&self, hay: &Hay<'h>) -> Vec<Match<'h>> {
        let (re, text) = self.prepare(hay);
        re.find_iter(text)
            .map(|m| Match::new(hay.text, m.range()))
            .collect()
    }
}

/// A search of `text` anchored at byte `at`, the text before it seen by `\b` and the like.
fn anchored(text: &str, at: usize) -> regex_automata::Input<'_> {
    regex_automata::Input::new(text)
        .range(at.min(text.len())..)
        .anchored(regex_automata::Anchored::Yes)
}

/// A text many patterns search (a sentence). Patterns compiled for text with ASCII letters
/// lowercased search its lowercased copy (same length, so every offset is one of the text),
/// made once, by the first such pattern, rather than by each.
pub struct Hay<'h> {
    text: &'h str,
    lower: OnceCell<Cow<'h, str>>,
}

impl<'h> Hay<'h> {
    pub fn new(text: &'h str) -> Self {
        Hay {
            text,
            lower: OnceCell::new(),
        }
    }

    /// The text as given.
    pub fn text(&self) -> &'h str {
        self.text
    }

    fn for_search(&self, lowercase: bool) -> &str {
        if !lowercase {
            return self.text;
        }
        self.lower.get_or_init(|| {
            if self.text.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(self.text.to_ascii_lowercase())
            } else {
                Cow::Borrowed(self.text)
            }
        })
    }
}

/// Make every class over ASCII alone match bytes: `.`, the Perl classes (`\s`, `\S`, `\d`,
/// `\w`, ...) and bracketed classes whose members are all ASCII, negated or not, are wrapped in
/// `(?-u:...)`. Classes that name a non-ASCII character or a Unicode property keep matching
/// characters.
fn bytewise_classes(ast: &mut Ast) {
    match ast {
        Ast::Dot(_) | Ast::ClassPerl(_) => without_unicode(ast),
        Ast::ClassBracketed(b) if ascii_set(&b.kind) => without_unicode(ast),
        Ast::Repetition(r) => bytewise_classes(&mut r.ast),
        Ast::Group(g) => bytewise_classes(&mut g.ast),
        Ast::Alternation(a) => a.asts.iter_mut().for_each(bytewise_classes),
        Ast::Concat(c) => c.asts.iter_mut().for_each(bytewise_classes),
        Ast::Empty(_)
        | Ast::Flags(_)
        | Ast::Literal(_)
        | Ast::Assertion(_)
        | Ast::ClassUnicode(_)
        | Ast::ClassBracketed(_) => {}
    }
}

/// Whether a bracketed class names only ASCII characters (and Perl classes).
fn ascii_set(set: &ast::ClassSet) -> bool {
    fn item(i: &ast::ClassSetItem) -> bool {
        match i {
            ast::ClassSetItem::Empty(_) | ast::ClassSetItem::Perl(_) => true,
            ast::ClassSetItem::Ascii(_) => true,
            ast::ClassSetItem::Literal(l) => l.c.is_ascii(),
            ast::ClassSetItem::Range(r) => r.end.c.is_ascii(),
            ast::ClassSetItem::Bracketed(b) => ascii_set(&b.kind),
            ast::ClassSetItem::Union(u) => u.items.iter().all(item),
            ast::ClassSetItem::Unicode(_) => false,
        }
    }
    match set {
        ast::ClassSet::Item(i) => item(i),
        ast::ClassSet::BinaryOp(op) => ascii_set(&op.lhs) && ascii_set(&op.rhs),
    }
}

/// Wrap a node in `(?-u:...)`.
fn without_unicode(ast: &mut Ast) {
    let span = *ast.span();
    let inner = std::mem::replace(ast, Ast::empty(span));
    let flags = ast::Flags {
        span,
        items: vec![
            ast::FlagsItem {
                span,
                kind: ast::FlagsItemKind::Negation,
            },
            ast::FlagsItem {
                span,
                kind: ast::FlagsItemKind::Flag(ast::Flag::Unicode),
            },
        ],
    };
    *ast = Ast::group(ast::Group {
        span,
        kind: ast::GroupKind::NonCapturing(flags),
        ast: Box::new(inner),
    });
}

/// Make a case-insensitive pattern match text with lowercased ASCII letters, case-sensitively:
/// ASCII letters of literals are lowercased; literals with other letters and classes keep their
/// case folding (wrapped in `(?i:...)`). `false` (the tree then unusable) when a part of the
/// pattern is case-sensitive over letters, which lowercased text would not match.
fn lowercase_ascii(ast: &mut Ast) -> bool {
    let mut ci = true;
    fold(ast, &mut ci)
}

/// [`lowercase_ascii`] of one node, under the case-insensitivity `ci` in force (changed by a
/// `(?i)` or `(?-i)` for the rest of its group).
fn fold(ast: &mut Ast, ci: &mut bool) -> bool {
    match ast {
        Ast::Empty(_) | Ast::Dot(_) | Ast::Assertion(_) | Ast::ClassPerl(_) => true,
        Ast::Flags(f) => {
            if let Some(on) = f.flags.flag_state(ast::Flag::CaseInsensitive) {
                *ci = on;
            }
            true
        }
        Ast::Literal(lit) => {
            if !lit.c.is_alphabetic() {
                true
            } else if !*ci {
                false
            } else if lit.c.is_ascii() {
                lit.c = lit.c.to_ascii_lowercase();
                true
            } else {
                keep_folding(ast);
                true
            }
        }
        Ast::ClassUnicode(_) | Ast::ClassBracketed(_) => {
            if *ci {
                keep_folding(ast);
                true
            } else {
                caseless_class(ast)
            }
        }
        Ast::Repetition(r) => fold(&mut r.ast, ci),
        Ast::Group(g) => {
            let outer = *ci;
            if let ast::GroupKind::NonCapturing(flags) = &g.kind {
                if let Some(on) = flags.flag_state(ast::Flag::CaseInsensitive) {
                    *ci = on;
                }
            }
            let ok = fold(&mut g.ast, ci);
            *ci = outer;
            ok
        }
        Ast::Alternation(a) => a.asts.iter_mut().all(|a| fold(a, ci)),
        Ast::Concat(c) => c.asts.iter_mut().all(|a| fold(a, ci)),
    }
}

/// Wrap a node in `(?i:...)`, so it keeps the engine's case folding in a pattern translated
/// case-sensitively.
fn keep_folding(ast: &mut Ast) {
    let span = *ast.span();
    let inner = std::mem::replace(ast, Ast::empty(span));
    let flags = ast::Flags {
        span,
        items: vec![ast::FlagsItem {
            span,
            kind: ast::FlagsItemKind::Flag(ast::Flag::CaseInsensitive),
        }],
    };
    *ast = Ast::group(ast::Group {
        span,
        kind: ast::GroupKind::NonCapturing(flags),
        ast: Box::new(inner),
    });
}

/// Whether a class has no letters (digits, punctuation, `\w`-like classes are the same in any
/// case): then a case-sensitive use of it still matches lowercased text alike.
fn caseless_class(ast: &Ast) -> bool {
    fn set(s: &ast::ClassSet) -> bool {
        match s {
            ast::ClassSet::Item(i) => item(i),
            ast::ClassSet::BinaryOp(op) => set(&op.lhs) && set(&op.rhs),
        }
    }
    fn item(i: &ast::ClassSetItem) -> bool {
        match i {
            ast::ClassSetItem::Empty(_) | ast::ClassSetItem::Perl(_) => true,
            ast::ClassSetItem::Literal(l) => !l.c.is_alphabetic(),
            ast::ClassSetItem::Range(r) => {
                r.end.c < 'A'
                    || (r.end.c.is_ascii()
                        && (r.start.c..=r.end.c).all(|c| !c.is_ascii_alphabetic()))
            }
            ast::ClassSetItem::Bracketed(b) => set(&b.kind),
            ast::ClassSetItem::Union(u) => u.items.iter().all(item),
            ast::ClassSetItem::Ascii(_) | ast::ClassSetItem::Unicode(_) => false,
        }
    }
    match ast {
        Ast::ClassBracketed(b) => set(&b.kind),
        _ => false,
    }
}

/// A match of a [`Pattern`]: its place in the text searched and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'h> {
    text: &'h str,
    start: usize,
    end: usize,
}

impl<'h> Match<'h> {
    /// The match at `r`, widened to whole characters (a class matched bytewise can begin or end
    /// inside one; see [`bytewise_classes`]).
    fn new(text: &'h str, r: Range<usize>) -> Self {
        let mut start = r.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = r.end.clamp(start, text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        Match { text, start, end }
    }

    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The matched text.
    pub fn as_str(&self) -> &'h str {
        self.text.get(self.range()).unwrap_or("")
    }
}

/// The groups of one match of a [`Pattern`].
#[derive(Debug, Clone)]
pub struct Captures<'h> {
    text: &'h str,
    slots: Slots,
}

impl<'h> Captures<'h> {
    /// Group `i` (0: the whole match), if it took part in the match.
    pub fn get(&self, i: usize) -> Option<Match<'h>> {
        self.slots
            .get_group(i)
            .map(|s| Match::new(self.text, s.range()))
    }

    /// The named group, if the pattern has it and it took part in the match.
    pub fn name(&self, name: &str) -> Option<Match<'h>> {
        self.slots
            .get_group_by_name(name)
            .map(|s| Match::new(self.text, s.range()))
    }

    /// How many groups the pattern has, the whole match included.
    pub fn len(&self) -> usize {
        self.slots.group_len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Append `replacement` to `dst` with `$1`, `$name` and `${name}` replaced by the groups'
    /// text (`$$` is a `$`), as [`regex::Captures::expand`] does.
    pub fn expand(&self, replacement: &str, dst: &mut String) {
        regex_automata::util::interpolate::string(
            replacement,
            |i, dst| dst.push_str(self.get(i).map_or("", |m| m.as_str())),
            |name| {
                self.slots
                    .group_info()
                    .to_index(self.slots.pattern()?, name)
            },
            dst,
        );
    }
}

/// Compile `patterns` on a thread of their own, in order, while the caller goes on: a pattern the
/// caller needs first is compiled by the caller (or waited for, if this thread is at it), and one
/// [deferred](Pattern::defer) by then is left out. On two cores this halves the time to first use
/// every pattern. The thread is not joined: at the end of the run it is simply stopped with the
/// process.
pub fn compile_in_background(patterns: Vec<Pattern>) {
    let _ = std::thread::Builder::new()
        .name("compile-patterns".into())
        .spawn(move || {
            for p in &patterns {
                if !p.0.deferred.load(Ordering::Relaxed) {
                    p.compiled();
                }
            }
        });
}

/// A pattern that matches nothing, in place of one that could not compile.
#[allow(clippy::expect_used)] // a constant pattern, not input
static NEVER: LazyLock<meta::Regex> =
    LazyLock::new(|| meta::Regex::new(r"[^\s\S]").expect("an empty class compiles"));

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.0.source).finish()
    }
}

/// Group names by index (0, the whole match, has none), as `regex::Regex::capture_names` gives
/// them.
fn group_names(hir: &Hir) -> Vec<Option<String>> {
    fn walk(hir: &Hir, names: &mut Vec<Option<String>>) {
        match hir.kind() {
            HirKind::Capture(c) => {
                let i = c.index as usize;
                if names.len() <= i {
                    names.resize(i + 1, None);
                }
                names[i] = c.name.as_deref().map(str::to_string);
                walk(&c.sub, names);
            }
            HirKind::Concat(subs) | HirKind::Alternation(subs) => {
                for s in subs {
                    walk(s, names);
                }
            }
            HirKind::Repetition(r) => walk(&r.sub, names),
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
        }
    }
    let mut names = vec![None];
    walk(hir, &mut names);
    names
}

/// Every match's groups (by index, then `n`, `kind` and `tier` by name) of a pattern or a
/// `regex::Regex`, to compare the two.
#[cfg(test)]
macro_rules! groups {
    ($re:expr, $text:expr) => {
        $re.captures_iter($text)
            .map(|c| {
                (0..c.len())
                    .map(|i| c.get(i).map(|m| m.range()))
                    .chain(["n", "kind", "tier"].map(|n| c.name(n).map(|m| m.range())))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
}

#[cfg(test)]
pub(crate) use groups;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn group_names_are_those_of_the_compiled_regex() {
        let src = r"(?P<n>\d+) (?:of )?(\w+)(?:, (?P<whole>\d+))?|(?P<tail>x)".to_string();
        let p = Pattern::new(src.clone(), true).unwrap();
        let re = regex::Regex::new(&src).unwrap();
        assert_eq!(
            p.capture_names().collect::<Vec<_>>(),
            re.capture_names().collect::<Vec<_>>()
        );
    }

    /// The searches give what `regex::Regex` gives for the same pattern and text.
    #[test]
    fn searches_are_those_of_the_regex_crate() {
        let src = r"(?-u:\b)(?P<n>[0-9]+) (?:(?P<kind>victims?)|cases)(?-u:\b)|Tier (?P<tier>\d)";
        let p = Pattern::new(src.to_string(), true).unwrap();
        let re = regex::RegexBuilder::new(src)
            .case_insensitive(true)
            .build()
            .unwrap();
        for text in [
            "It identified 12 Victims and 3 cases; tier 2.",
            "No figures here.",
            "1 victim, 20 cases, TIER 3, 4 victims",
            "é 7 victims — “5 cases”",
        ] {
            assert_eq!(p.is_match(text), re.is_match(text), "{text}");
            let spans = |it: &mut dyn Iterator<Item = Range<usize>>| it.collect::<Vec<_>>();
            assert_eq!(
                spans(&mut p.find_iter(text).map(|m| m.range())),
                spans(&mut re.find_iter(text).map(|m| m.range())),
                "{text}"
            );
            assert_eq!(
                p.find(text).map(|m| m.as_str()),
                re.find(text).map(|m| m.as_str())
            );
            assert_eq!(groups!(p, text), groups!(re, text), "{text}");
            assert_eq!(
                p.captures(text)
                    .and_then(|c| c.name("n").map(|m| m.range())),
                re.captures(text)
                    .and_then(|c| c.name("n").map(|m| m.range()))
            );
            let expand = |c: Option<String>| c.unwrap_or_default();
            assert_eq!(
                expand(p.captures(text).map(|c| {
                    let mut s = String::new();
                    c.expand("[$n|${kind}|$$|$0]", &mut s);
                    s
                })),
                expand(re.captures(text).map(|c| {
                    let mut s = String::new();
                    c.expand("[$n|${kind}|$$|$0]", &mut s);
                    s
                }))
            );
        }
    }

    /// Classes over ASCII match bytes, yet every match and group covers whole characters, and
    /// a class naming a non-ASCII character still matches characters.
    #[test]
    fn bytewise_classes_never_split_a_character() {
        let p = Pattern::new(r"from (?P<w>[^.;]{0,20}?) to|(?P<x>.)é".to_string(), true).unwrap();
        let text = "From Côte d'Ivoire to Niger; ñé.";
        let c = p.captures(text).unwrap();
        assert_eq!(c.name("w").unwrap().as_str(), "Côte d'Ivoire");
        let c = p.captures_iter(text).nth(1).unwrap();
        assert_eq!(c.get(0).unwrap().as_str(), "ñé");
        assert_eq!(c.name("x").unwrap().as_str(), "ñ");
        let quoted = "a “€5” ñ";
        for m in Pattern::new(r"\S{2}".to_string(), true)
            .unwrap()
            .find_iter(quoted)
        {
            assert!(quoted.is_char_boundary(m.start()) && quoted.is_char_boundary(m.end()));
            assert!(!m.as_str().is_empty(), "{m:?}");
        }
        // A bounded repetition of such a class counts bytes: two accented letters are four.
        let near = Pattern::new(r"x[^.;]{0,3}y".to_string(), true).unwrap();
        assert!(near.is_match("x a y") && !near.is_match("xééy"));
        let dashes = Pattern::new("[–—-]".to_string(), true).unwrap();
        assert_eq!(dashes.find("a — b").map(|m| m.as_str()), Some("—"));
    }

    #[test]
    fn a_syntax_error_is_found_without_compiling() {
        let e = Pattern::new("(?P<x\\bfor".to_string(), true).unwrap_err();
        assert!(!e.is_empty() && !e.contains('\n'), "{e}");
        assert!(Pattern::new(r"\p{Lettr}".to_string(), true).is_err());
    }

    #[test]
    fn compiles_on_first_use_and_matches_as_configured() {
        let p = Pattern::new("did not adopt".to_string(), true).unwrap();
        assert!(!p.is_compiled());
        assert!(p.is_match("It Did Not Adopt SOPs."));
        assert!(p.compile().is_ok());
        let strict = Pattern::new("Tier".to_string(), false).unwrap();
        assert!(!strict.is_match("tier"));
    }

    #[test]
    fn a_pattern_longer_than_the_limit_is_refused_before_parsing() {
        let e = Pattern::new("ab".repeat(MAX_PATTERN_BYTES), true).unwrap_err();
        assert!(e.contains("more than the 16384"), "{e}");
    }

    #[test]
    fn a_pattern_too_large_to_compile_matches_nothing_and_says_why() {
        let p = Pattern::new(r"(?:\w{1000}){1000}".to_string(), true).unwrap();
        assert!(p.compile().is_err());
        assert!(!p.is_match(&"a".repeat(10)));
    }
}
