//! A draft's text cut into segments where diagnostics start and end, so a page can highlight
//! every diagnostic at its span, overlapping ones included, and put a numbered reference where
//! each starts (an empty span gets its reference alone). One sweep over the sorted boundaries:
//! linear in the text plus the diagnostics times the few that overlap at any point.

use std::ops::Range;

use serde::Serialize;

/// A diagnostic to highlight.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Its number in the page's list (1-based).
    pub number: usize,
    pub span: Range<usize>,
    pub error: bool,
    /// The text shown on hover: message and help.
    pub tip: String,
}

/// A piece of the text with the diagnostics that cover it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    /// Diagnostics that start here, before the text: one reference each.
    pub starts: Vec<Reference>,
    /// Numbers of the diagnostics whose span covers this text.
    pub covered_by: Vec<usize>,
    /// `error`, `warning` (the worst covering diagnostic), or `None` for plain text.
    pub severity: Option<&'static str>,
    /// The hover text of the covering diagnostics, one per line pair.
    pub tip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub number: usize,
    pub severity: &'static str,
    pub tip: String,
}

fn severity(error: bool) -> &'static str {
    if error {
        "error"
    } else {
        "warning"
    }
}

/// Cut `text` at every mark's start and end (clamped to the text, on character boundaries).
pub fn segments(text: &str, marks: &[Mark]) -> Vec<Segment> {
    let clamp = |i: usize| {
        let mut i = i.min(text.len());
        while i > 0 && !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut marks: Vec<Mark> = marks
        .iter()
        .map(|m| {
            let start = clamp(m.span.start);
            Mark {
                span: start..clamp(m.span.end).max(start),
                ..m.clone()
            }
        })
        .collect();
    marks.sort_by_key(|m| (m.span.start, m.number));
    let mut bounds: Vec<usize> = vec![0, text.len()];
    for m in &marks {
        bounds.push(m.span.start);
        bounds.push(m.span.end);
    }
    bounds.sort_unstable();
    bounds.dedup();

    let mut out = Vec::new();
    let mut next = 0; // the next mark (by start) not yet open
    let mut open: Vec<&Mark> = Vec::new();
    for (i, &at) in bounds.iter().enumerate() {
        open.retain(|m| m.span.end > at);
        let mut starts = Vec::new();
        while let Some(m) = marks.get(next).filter(|m| m.span.start == at) {
            starts.push(Reference {
                number: m.number,
                severity: severity(m.error),
                tip: m.tip.clone(),
            });
            if m.span.end > at {
                open.push(m);
            }
            next += 1;
        }
        let end = bounds.get(i + 1).copied().unwrap_or(at);
        if end == at && starts.is_empty() {
            continue;
        }
        let mut covered_by: Vec<usize> = open.iter().map(|m| m.number).collect();
        covered_by.sort_unstable();
        let worst = (!open.is_empty()).then(|| severity(open.iter().any(|m| m.error)));
        let tip = open
            .iter()
            .map(|m| m.tip.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        out.push(Segment {
            text: text[at..end].to_string(),
            starts,
            covered_by,
            severity: worst,
            tip,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(number: usize, span: Range<usize>, error: bool) -> Mark {
        Mark {
            number,
            span,
            error,
            tip: format!("d{number}"),
        }
    }

    #[test]
    fn every_mark_gets_one_reference_and_the_text_is_kept_whole() {
        let text = "The government prosecuted 15 cases in 2021.";
        let marks = [
            mark(1, 26..28, true),
            mark(2, 15..37, false),
            mark(3, 0..0, false),
            mark(4, 43..43, true),
        ];
        let segs = segments(text, &marks);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        let mut refs: Vec<usize> = segs
            .iter()
            .flat_map(|s| s.starts.iter().map(|r| r.number))
            .collect();
        refs.sort_unstable();
        assert_eq!(refs, [1, 2, 3, 4]);
        let figure = segs.iter().find(|s| s.text == "15").expect("a segment");
        assert_eq!(figure.covered_by, [1, 2]);
        assert_eq!(figure.severity, Some("error"));
        let around = segs
            .iter()
            .find(|s| s.text == " cases in")
            .expect("a segment");
        assert_eq!(around.severity, Some("warning"));
    }

    #[test]
    fn spans_past_the_text_or_inside_a_character_are_clamped() {
        let text = "Côte d’Ivoire";
        let segs = segments(text, &[mark(1, 2..200, true)]);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        assert_eq!(segs.iter().filter(|s| !s.starts.is_empty()).count(), 1);
    }
}
