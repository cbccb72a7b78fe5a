//! The geometry of a grouped bar chart (two bars per group: last year and this year), for a
//! template to draw as SVG. Numbers only: the labels are the rules' tier labels, and the words
//! (legend, axis, a group without a tier) are the template's.

use serde::Serialize;

/// Drawing size in SVG user units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 48.0;
/// Share of a group's width the two bars take.
const BARS_SHARE: f64 = 0.7;

/// A group of the input: a tier (or none) and its counts last year and this year.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: Option<String>,
    pub label: Option<String>,
    pub values: [usize; 2],
}

#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    /// The plotting area.
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    pub ticks: Vec<Tick>,
    pub groups: Vec<GroupView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub value: usize,
    pub y: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub id: Option<String>,
    pub label: Option<String>,
    /// Where the group's label is centred.
    pub x: f64,
    /// Last year's bar, then this year's.
    pub bars: [Bar; 2],
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// `0` last year, `1` this year.
    pub series: usize,
    pub value: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A step for the axis: 1, 2 or 5 times a power of ten, giving at most five ticks.
fn step(max: usize) -> usize {
    let mut unit = 1;
    loop {
        for m in [1, 2, 5] {
            if max.div_ceil(m * unit) <= 5 {
                return m * unit;
            }
        }
        unit *= 10;
    }
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Lay out the groups side by side, bars scaled to the largest value (rounded up to a tick).
pub fn bars(groups: Vec<Group>) -> Chart {
    let max = groups
        .iter()
        .flat_map(|g| g.values)
        .max()
        .unwrap_or(0)
        .max(1);
    let step = step(max);
    let top_value = max.div_ceil(step) * step;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let y_of = |v: usize| round(base - plot_h * v as f64 / top_value as f64);
    let group_w = plot_w / groups.len().max(1) as f64;
    let bar_w = round(group_w * BARS_SHARE / 2.0);
    let ticks = (0..=top_value / step)
        .map(|i| Tick {
            value: i * step,
            y: y_of(i * step),
        })
        .collect();
    let groups = groups
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let centre = LEFT + group_w * (i as f64 + 0.5);
            let bar = |series: usize| {
                let value = g.values[series];
                let y = y_of(value);
                Bar {
                    series,
                    value,
                    x: round(centre - bar_w + bar_w * series as f64),
                    y,
                    width: bar_w,
                    height: round(base - y),
                }
            };
            GroupView {
                id: g.id,
                label: g.label,
                x: round(centre),
                bars: [bar(0), bar(1)],
            }
        })
        .collect();
    Chart {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        top: TOP,
        right: WIDTH - RIGHT,
        bottom: base,
        ticks,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tallest_bar_reaches_the_top_tick_and_zero_has_no_height() {
        let c = bars(vec![
            Group {
                id: Some("1".into()),
                label: Some("One".into()),
                values: [3, 10],
            },
            Group {
                id: None,
                label: None,
                values: [0, 4],
            },
        ]);
        assert_eq!(c.ticks.last().map(|t| t.value), Some(10));
        let tallest = &c.groups[0].bars[1];
        assert_eq!(tallest.y, c.top);
        assert_eq!(c.groups[1].bars[0].height, 0.0);
        assert!(c.groups[0].bars[0].x < c.groups[0].bars[1].x);
    }

    #[test]
    fn axis_steps_are_round_numbers() {
        assert_eq!(step(4), 1);
        assert_eq!(step(9), 2);
        assert_eq!(step(23), 5);
        assert_eq!(step(188), 50);
    }
}
