//! The comparison: one bar per model, its wall time and where the time went.

use super::scale::*;
use super::timeline::*;
use crate::core::metrics::percentile;
use crate::models::Model;
use crate::report::{ModelResult, Results, Status};

/// Width of the comparison chart's gutter for model labels.
pub const COMPARISON_LABEL_WIDTH: f64 = 200.0;
/// Height of one comparison bar.
pub const COMPARISON_BAR_HEIGHT: f64 = 22.0;
/// Gap between comparison bars (and above the first).
pub const COMPARISON_BAR_GAP: f64 = 8.0;
/// Height kept for an axis's labels.
pub const AXIS_HEIGHT: f64 = 22.0;

/// One model's bar in the wall-time comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonBar {
    /// The model.
    pub model: Model,
    /// Its label, for the gutter.
    pub label: String,
    /// The wall time of the run shown in the timeline (the last repeat), ms.
    pub wall_ms: f64,
    /// Fastest repeat, ms (the wall time when there were no repeats).
    pub min_ms: f64,
    /// Median of the repeats, ms: the bar's length.
    pub median_ms: f64,
    /// Slowest repeat, ms.
    pub max_ms: f64,
    /// Left edge, px.
    pub x: f64,
    /// Length, px.
    pub width: f64,
    /// Top, px.
    pub y: f64,
    /// Thickness, px.
    pub height: f64,
    /// The repeats' spread, min to max, as (x px, x px), when there were at least two.
    pub whisker: Option<(f64, f64)>,
}

/// The wall-time comparison chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonLayout {
    /// One bar per model that finished, in results order.
    pub bars: Vec<ComparisonBar>,
    /// Time axis ticks: (x px, label).
    pub ticks: Vec<(f64, String)>,
    /// The axis baseline, px (below the bars).
    pub axis_y: f64,
    /// Total height, px.
    pub height: f64,
    /// Total width, px.
    pub width: f64,
    /// The gutter for model labels; bars start right of it.
    pub label_width: f64,
}

/// Lays out one horizontal bar per model that finished (`Ok`): as long as the median of its
/// repeats — the median, because one slow repeat (a GC, a tab switch) should not decide the
/// comparison — with a whisker from the fastest to the slowest when it was repeated. Models
/// that did not finish have no time worth comparing and are left out.
pub fn comparison(results: &Results, width_px: f64) -> ComparisonLayout {
    let width = sane_px(width_px);
    let label_width = COMPARISON_LABEL_WIDTH;
    let plot_right = (width - RIGHT_MARGIN).max(label_width + 1.0);

    struct Stats<'a> {
        result: &'a ModelResult,
        min: f64,
        median: f64,
        max: f64,
        repeated: bool,
    }
    let stats: Vec<Stats> = results
        .models
        .iter()
        .filter(|m| m.status == Status::Ok)
        .map(|m| {
            let mut samples: Vec<f64> = m
                .repeats_ms
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            if samples.is_empty() {
                samples.push(m.wall_ms);
            }
            samples.sort_by(f64::total_cmp);
            Stats {
                result: m,
                min: samples[0],
                median: percentile(&samples, 50.0),
                max: samples[samples.len() - 1],
                repeated: samples.len() >= 2,
            }
        })
        .collect();

    let longest = stats
        .iter()
        .map(|s| s.max)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let target = ((plot_right - label_width) / 90.0).floor().max(2.0) as usize;
    let (end, tick_values) = nice_axis(longest, target);
    let scale = LinearScale::new((0.0, end), (label_width, plot_right));

    let bars: Vec<ComparisonBar> = stats
        .iter()
        .enumerate()
        .map(|(i, s)| ComparisonBar {
            model: s.result.model,
            label: s.result.model.info().label.to_string(),
            wall_ms: s.result.wall_ms,
            min_ms: s.min,
            median_ms: s.median,
            max_ms: s.max,
            x: label_width,
            width: (scale.map(s.median) - label_width).max(0.0),
            y: COMPARISON_BAR_GAP + i as f64 * (COMPARISON_BAR_HEIGHT + COMPARISON_BAR_GAP),
            height: COMPARISON_BAR_HEIGHT,
            whisker: s.repeated.then(|| (scale.map(s.min), scale.map(s.max))),
        })
        .collect();
    let axis_y =
        COMPARISON_BAR_GAP + bars.len() as f64 * (COMPARISON_BAR_HEIGHT + COMPARISON_BAR_GAP);
    let ticks = if bars.is_empty() {
        Vec::new()
    } else {
        tick_values
            .into_iter()
            .map(|t| (scale.map(t), format_ms(t)))
            .collect()
    };
    ComparisonLayout {
        bars,
        ticks,
        axis_y,
        height: axis_y + AXIS_HEIGHT,
        width,
        label_width,
    }
}

#[cfg(test)]
mod test;
