//! Claims a narrative makes, read with the patterns of `rules/claims.yaml`: the stated tier, the
//! status sentence, the movement, pillar openers, counts and their subjects (each mapped to a fact
//! path of the catalog and to the current or previous period), comparisons, money, "for the Nth
//! consecutive year" counters, parts of a whole, statements of boolean, enum, year and text facts
//! ("the government did not adopt SOPs"), the earlier placements the intro states, and the
//! sentences with figures nothing read.
//!
//! Sits after `narrative.rs` (which gives sentences with spans) and before `check/` and
//! `extract.rs`. [`ClaimRules::load`] checks every pattern once per run, and each compiles when
//! first used ([`crate::pattern`]); [`read`] is linear in the draft for a fixed rule set.

mod figures;
mod read;
mod rules;

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

pub use read::read;
pub(crate) use rules::ClaimsYaml;
pub use rules::{
    ClaimRules, HistoryRules, Movement, PatternCompiler, PlacementsRule, Trend, Years, CLAIMS_FILE,
};

// ---------------------------------------------------------------------------------------------
// What a narrative claims.

/// Which reporting period a figure is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Current,
    Previous,
}

#[derive(Debug, Clone)]
pub struct TierClaim {
    pub id: Option<String>,
    pub text: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct StatusClaim {
    pub tiers: Vec<String>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct MovementClaim {
    pub movement: Movement,
    pub tier: TierClaim,
    /// The sentence.
    pub sentence: Range<usize>,
    /// The movement words ("remained on Tier 2").
    pub span: Range<usize>,
    /// "for the second consecutive year": the number and its span.
    pub years: Option<(u32, Range<usize>)>,
    /// The waiver wording, anywhere in the intro.
    pub waiver: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
pub struct OpenerClaim {
    pub section: String,
    pub pillar: String,
    /// The trend as the rules name it (`increased`, `maintained`, `decreased`), when stated.
    pub trend: Option<String>,
    pub qualifier: String,
    pub span: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct CountClaim {
    pub fact: String,
    pub value: f64,
    pub period: Period,
    pub span: Range<usize>,
    pub sentence: Range<usize>,
    /// Read from "did not report any ...": zero, or no data.
    pub none_reported: bool,
}

#[derive(Debug, Clone)]
pub struct MoneyClaim {
    pub fact: Option<String>,
    pub amount: f64,
    /// The currency as written ("Tajikistani somoni").
    pub currency: String,
    /// The currency it belongs to ("somoni"), for grouping.
    pub currency_key: String,
    pub usd: f64,
    /// The rounding unit of the amount and of the dollars as written ("3.5 million" is rounded
    /// to 100,000; "600,000" to one).
    pub amount_unit: f64,
    pub usd_unit: f64,
    pub period: Period,
    pub span: Range<usize>,
    pub usd_span: Range<usize>,
    pub sentence: Range<usize>,
}

/// A figure in a comparison: its value and where it is.
#[derive(Debug, Clone)]
pub struct Figure {
    pub value: f64,
    pub span: Range<usize>,
}

/// A comparison of this period's figures with earlier ones, as the figure grammar reads it.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub sentence: Range<usize>,
    /// The marker ("a decrease compared with"), or the opening bracket of "(10 in 2019)".
    pub marker: Range<usize>,
    pub trend: Option<Trend>,
    /// A bracketed previous figure: "17 investigations (10 in 2019)".
    pub bracketed: bool,
    /// (this period, previous period) figure pairs, matched by counted noun and position;
    /// empty when the pairing is ambiguous.
    pub pairs: Vec<(Figure, Figure)>,
    /// The figure of this period nearest the marker.
    pub current: Option<Figure>,
    /// The facts the figures of this period were read as.
    pub current_facts: Vec<String>,
    /// The previous side gives a figure (or a stated zero).
    pub has_previous_figure: bool,
    /// The year the previous side names, with its span.
    pub previous_year: Option<(i32, Range<usize>)>,
    /// The years of a chain after it ("... in 2019 and 74 in 2018").
    pub earlier_years: Vec<i32>,
    /// The year this period's side names ("In 2020, ...").
    pub current_year: Option<i32>,
    /// The previous year lies in a range ("between 2016 and 2018").
    pub year_in_range: bool,
    pub names_period: bool,
    /// The text after the marker, about the previous period.
    pub previous_part: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct CounterClaim {
    /// The fact it is about, when `counter_facts` names one.
    pub fact: Option<String>,
    pub n: u32,
    pub span: Range<usize>,
    pub sentence: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct PartsClaim {
    pub whole: Figure,
    pub parts: Vec<Figure>,
    /// Each part's words ("71 were foreign nationals").
    pub items: Vec<Range<usize>>,
    /// The list says it is complete ("unknown", "other"): the parts must add up to the whole.
    pub exhaustive: bool,
    /// A part without a figure is the rest ("and the other unknown").
    pub remainder: bool,
    pub sentence: Range<usize>,
}

/// A statement of a fact's value: "the government did not adopt SOPs".
#[derive(Debug, Clone)]
pub struct StatementClaim {
    pub fact: String,
    /// `true`/`false`, an enum value, `not_reported`, or what a `value` group read: a figure
    /// (a number) or the words as written (a string).
    pub value: serde_json::Value,
    /// Read by a `value` group (to be typed by the fact's catalog type).
    pub captured: bool,
    pub period: Period,
    /// The words that state it (the `value` group when there is one).
    pub span: Range<usize>,
    pub sentence: Range<usize>,
}

/// Everything read from one narrative.
#[derive(Debug, Clone, Default)]
pub struct Claims {
    pub heading_tier: Option<TierClaim>,
    pub status: Option<StatusClaim>,
    /// The intro's sentence on overall efforts against the previous year.
    pub efforts: Option<StatusClaim>,
    pub movement: Option<MovementClaim>,
    pub openers: Vec<OpenerClaim>,
    pub counts: Vec<CountClaim>,
    pub money: Vec<MoneyClaim>,
    pub comparisons: Vec<Comparison>,
    pub counters: Vec<CounterClaim>,
    pub parts: Vec<PartsClaim>,
    pub statements: Vec<StatementClaim>,
    /// The placements the intro states before this year (claims.yaml `history.placements`),
    /// most recent first.
    pub placements: Option<Vec<(String, Years)>>,
    /// Sentences with figures that no pattern read.
    pub unread: Vec<Range<usize>>,
    /// Currency codes a narrative defines ("Kazakhstani tenge (KZT)"): code -> currency key.
    pub currency_codes: HashMap<String, String>,
}

impl Claims {
    /// The tier the draft states: the heading's, else the movement sentence's (a tier claim
    /// whose words name no tier of the rules does not count).
    pub fn stated_tier(&self) -> Option<&TierClaim> {
        let heading = self.heading_tier.as_ref().filter(|t| t.id.is_some());
        heading.or(self
            .movement
            .as_ref()
            .map(|m| &m.tier)
            .filter(|t| t.id.is_some()))
    }
}
