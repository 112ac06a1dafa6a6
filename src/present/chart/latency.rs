//! The latency chart: every task's submit-to-result time, sorted, with the percentiles.

use super::comparison::*;
use super::scale::*;
use super::scaling::*;
use super::timeline::*;
use crate::core::trace::Lane;
use crate::report::ModelResult;

/// One task in the latency table, slowest last.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyRow {
    /// 1 for the fastest task.
    pub rank: usize,
    /// The task's index in the batch.
    pub task: u32,
    /// Where it ran.
    pub lane: Lane,
    /// Submit to result, ms.
    pub latency_ms: f64,
}

/// One task's column in the latency chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyBar {
    /// 1 for the fastest task.
    pub rank: usize,
    /// The task.
    pub task: u32,
    /// Submit to result, ms.
    pub latency_ms: f64,
    /// Left edge, px.
    pub x: f64,
    /// Top, px.
    pub y: f64,
    /// Width, px.
    pub width: f64,
    /// Height, px (down to the baseline).
    pub height: f64,
    /// How many tasks' columns it stands for: more than one when columns would be narrower than
    /// a pixel, and neighbours share one, as tall as the slowest of them (see [`latency`]).
    pub tasks: usize,
}

/// A horizontal reference line in the latency chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyMarker {
    /// `p50`, `p95` or `max`.
    pub label: &'static str,
    /// Its value, ms.
    pub value_ms: f64,
    /// Its height, px.
    pub y: f64,
}

/// The latency view of one model: every task's wait, sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyLayout {
    /// One column per task, fastest first (per few tasks, when there are more than pixels).
    pub bars: Vec<LatencyBar>,
    /// The median, 95th percentile and maximum of the summary.
    pub markers: Vec<LatencyMarker>,
    /// The table beside the chart, in the same order as the bars.
    pub rows: Vec<LatencyRow>,
    /// Latency ticks: (y px, label).
    pub ticks: Vec<(f64, String)>,
    /// The plot area: (left, top, right, bottom), px.
    pub plot: (f64, f64, f64, f64),
    /// Total width, px.
    pub width: f64,
    /// Total height, px.
    pub height: f64,
}

/// Lays out every task's latency (submit to result) as a column, sorted ascending like a load
/// tester's report, in a `width_px` × `height_px` chart: the shape of the sorted columns is the
/// latency distribution (a staircase for the blocking model, where each task waits for all
/// before it; a flat top for parallel ones), and the markers read it off.
pub fn latency(result: &ModelResult, width_px: f64, height_px: f64) -> LatencyLayout {
    let width = sane_px(width_px);
    let height = sane_px(height_px);
    let right = (width - RIGHT_MARGIN).max(PLOT_LEFT + 1.0);
    let bottom = (height - AXIS_HEIGHT).max(PLOT_TOP + 1.0);

    let mut order: Vec<&crate::core::record::TaskRecord> = result.tasks.iter().collect();
    order.sort_by(|a, b| {
        a.latency_ms()
            .total_cmp(&b.latency_ms())
            .then(a.task.cmp(&b.task))
    });
    let rows: Vec<LatencyRow> = order
        .iter()
        .enumerate()
        .map(|(i, t)| LatencyRow {
            rank: i + 1,
            task: t.task,
            lane: t.lane,
            latency_ms: t.latency_ms(),
        })
        .collect();

    let summary = result.summary.latency_ms;
    let longest = rows
        .iter()
        .map(|r| r.latency_ms)
        .chain(summary.map(|d| d.max))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let (end, tick_values) = nice_axis(longest, 5);
    let y_scale = LinearScale::new((0.0, end), (bottom, PLOT_TOP));

    // Columns share the plot's width, a gap of a fifth of a slot keeping neighbours apart. With
    // more tasks than pixels, neighbours share a column a pixel or more wide, as tall as the
    // slowest of them (the tasks are sorted: the last): the same shape at the screen's
    // resolution, without a thousand slivers to build and lay out (docs/BENCHMARKS.md, B6).
    let per_column = ((rows.len() as f64 / (right - PLOT_LEFT)).ceil() as usize).max(1);
    let columns = rows.len().div_ceil(per_column).max(1);
    let slot = (right - PLOT_LEFT) / columns as f64;
    let bars = rows
        .chunks(per_column)
        .enumerate()
        .map(|(i, group)| {
            let r = group.last().expect("chunks are not empty");
            let top = y_scale.map(r.latency_ms.max(0.0));
            LatencyBar {
                rank: r.rank,
                task: r.task,
                latency_ms: r.latency_ms,
                x: PLOT_LEFT + i as f64 * slot + slot * 0.1,
                y: top,
                width: (slot * 0.8).max(MIN_BAR_WIDTH),
                height: bottom - top,
                tasks: group.len(),
            }
        })
        .collect();
    let markers = summary.map_or_else(Vec::new, |d| {
        [("p50", d.median), ("p95", d.p95), ("max", d.max)]
            .into_iter()
            .map(|(label, value_ms)| LatencyMarker {
                label,
                value_ms,
                y: y_scale.map(value_ms),
            })
            .collect()
    });
    let ticks = if rows.is_empty() {
        Vec::new()
    } else {
        tick_values
            .into_iter()
            .map(|t| (y_scale.map(t), format_ms(t)))
            .collect()
    };
    LatencyLayout {
        bars,
        markers,
        rows,
        ticks,
        plot: (PLOT_LEFT, PLOT_TOP, right, bottom),
        width,
        height,
    }
}

#[cfg(test)]
mod test;
