//! The geometry of every chart on the page: scales, ticks, and the pixel layout of the
//! timeline, comparison, scaling and latency views.
//!
//! Why a module of its own: the Yew components run only in the browser, where nothing is easy
//! to test, while the interesting decisions — which lane comes first, which segments become
//! bars, how overlapping waits are stacked, where a zoomed window may go, what Amdahl's law
//! says about a sweep — are plain arithmetic. So every view is computed here, from the results
//! document, into flat lists of rectangles, lines and labels in pixels; the components only
//! draw what they are given, and `cargo test` pins the geometry on the host.
//!
//! Conventions: times are milliseconds (`f64`) as everywhere in the results; pixels grow right
//! and down, as in SVG; every layout reports its own `width` and `height` so the component can
//! size its `<svg>`. Colours are not here: each [`State`] maps to a CSS class
//! ([`state_class`]) and the stylesheet owns the palette.

use crate::core::metrics::percentile;
use crate::core::trace::{Lane, Segment, State};
use crate::models::Model;
use crate::report::{ModelResult, Results, ScalingPoint, Status};

/// A linear map from data values (the domain) to pixels (the range).
///
/// The range may run backwards (a y axis, where bigger values sit higher, i.e. at smaller
/// pixel y).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearScale {
    /// Data values: (first, last).
    pub domain: (f64, f64),
    /// Pixels the domain's ends map to: (first, last).
    pub range: (f64, f64),
}

impl LinearScale {
    /// A scale from `domain` onto `range`.
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> LinearScale {
        LinearScale { domain, range }
    }

    /// The pixel of value `v`. A degenerate domain (both ends equal, e.g. a run that took no
    /// time) maps everything to the range's start, so a chart of nothing sits at its origin
    /// instead of dividing by zero.
    pub fn map(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        let span = d1 - d0;
        if span == 0.0 || !span.is_finite() {
            return r0;
        }
        r0 + (v - d0) / span * (r1 - r0)
    }

    /// The value at pixel `px` (for pointer positions: zoom around the cursor, tooltips). A
    /// degenerate range gives the domain's start.
    pub fn invert(&self, px: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        let span = r1 - r0;
        if span == 0.0 || !span.is_finite() {
            return d0;
        }
        d0 + (px - r0) / span * (d1 - d0)
    }
}

/// The tick increment for about `count` ticks over `[start, stop]` (d3's `tickIncrement`):
/// `(i1, i2, inc)` where the ticks are `i * inc` for `i` in `i1..=i2` when `inc > 0`, and
/// `i / -inc` when `inc < 0`. Dividing by an integer for steps below 1 keeps ticks such as
/// 0.3 exact instead of 0.30000000000000004.
fn tick_spec(start: f64, stop: f64, count: f64) -> Option<(f64, f64, f64)> {
    let step = (stop - start) / count;
    if !(step.is_finite() && step > 0.0) {
        return None;
    }
    let power = step.log10().floor();
    let error = step / 10f64.powf(power);
    // Round the raw step to 1, 2 or 5 times a power of ten, whichever is closest in ratio.
    let factor = if error >= 50f64.sqrt() {
        10.0
    } else if error >= 10f64.sqrt() {
        5.0
    } else if error >= 2f64.sqrt() {
        2.0
    } else {
        1.0
    };
    let (mut i1, mut i2, inc);
    if power < 0.0 {
        let inv = 10f64.powf(-power) / factor;
        i1 = (start * inv).round();
        i2 = (stop * inv).round();
        if i1 / inv < start {
            i1 += 1.0;
        }
        if i2 / inv > stop {
            i2 -= 1.0;
        }
        inc = -inv;
    } else {
        inc = 10f64.powf(power) * factor;
        i1 = (start / inc).round();
        i2 = (stop / inc).round();
        if i1 * inc < start {
            i1 += 1.0;
        }
        if i2 * inc > stop {
            i2 -= 1.0;
        }
    }
    if !(i1.is_finite() && i2.is_finite() && inc.is_finite() && inc != 0.0) {
        return None;
    }
    // Asked for one or two ticks over a range no round number falls in: try finer steps.
    if i2 < i1 && (0.5..2.0).contains(&count) {
        return tick_spec(start, stop, count * 2.0);
    }
    Some((i1, i2, inc))
}

/// The value of tick `i` of an increment from [`tick_spec`].
fn tick_value(i: f64, inc: f64) -> f64 {
    if inc < 0.0 { i / -inc } else { i * inc }
}

/// The most ticks [`nice_ticks`] returns, whatever it is asked: a chart never needs more, and
/// a bad `target` must not allocate the world.
const MAX_TICKS: f64 = 1_000.0;

/// Round tick values covering `[min, max]`: steps of 1, 2 or 5 times a power of ten, about
/// `target` of them, only values inside the range (like d3's `ticks`). Ascending even if
/// `min > max`; one tick when `min == max`; empty for NaN, infinities or a zero target.
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || target == 0 {
        return Vec::new();
    }
    if min == max {
        return vec![min];
    }
    let (lo, hi) = if min < max { (min, max) } else { (max, min) };
    // Half the cap: a rounded step can be up to √2 finer than asked, so this stays under it.
    let count = (target as f64).min(MAX_TICKS / 2.0);
    let Some((i1, i2, inc)) = tick_spec(lo, hi, count) else {
        return Vec::new();
    };
    if i2 < i1 || i2 - i1 >= MAX_TICKS {
        return Vec::new();
    }
    let n = (i2 - i1) as usize + 1;
    (0..n).map(|k| tick_value(i1 + k as f64, inc)).collect()
}

/// A round upper end for an axis from 0 to `max`, and its ticks: the axis is extended to the
/// next tick so the longest bar (or whisker) ends inside the chart, on a labelled value.
fn nice_axis(max: f64, target: usize) -> (f64, Vec<f64>) {
    if !(max.is_finite() && max > 0.0) {
        return (0.0, vec![0.0]);
    }
    let Some((_, _, inc)) = tick_spec(0.0, max, target.max(1) as f64) else {
        return (max, nice_ticks(0.0, max, target));
    };
    let end = if inc < 0.0 {
        (max * -inc).ceil() / -inc
    } else {
        (max / inc).ceil() * inc
    };
    (end, nice_ticks(0.0, end, target))
}

/// A number with at most three decimals, without trailing zeros.
fn trim_number(x: f64) -> String {
    let text = format!("{x:.3}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// An axis label for a time in ms: `0`, `500 µs` below a millisecond, `250 ms`, `1.5 s` and
/// `12 s` from a second up. Non-finite values give `–`.
pub fn format_ms(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_string();
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let magnitude = v.abs();
    if magnitude < 1.0 {
        format!("{} µs", trim_number(v * 1e3))
    } else if magnitude < 1e3 {
        format!("{} ms", trim_number(v))
    } else {
        format!("{} s", trim_number(v / 1e3))
    }
}

// ---------------------------------------------------------------------------------------------
// States: classes and legend.

/// The CSS class of bars (and legend swatches) in `state`; the stylesheet gives the colours.
pub fn state_class(state: State) -> &'static str {
    match state {
        State::Run => "state-run",
        State::Ready => "state-ready",
        State::WaitIo => "state-wait-io",
        State::WaitGil => "state-wait-gil",
        State::Blocked => "state-blocked",
        State::Startup => "state-startup",
        State::Serialize => "state-serialize",
        State::Transfer => "state-transfer",
        State::Deserialize => "state-deserialize",
        State::Idle => "state-idle",
    }
}

/// What `state` means, in words for the legend and tooltips.
pub fn state_label(state: State) -> &'static str {
    match state {
        State::Run => "running",
        State::Ready => "queued, waiting for a thread",
        State::WaitIo => "waiting for I/O",
        State::WaitGil => "waiting for the GIL",
        State::Blocked => "blocked on a sub-task's result",
        State::Startup => "worker starting up",
        State::Serialize => "serialising a message",
        State::Transfer => "message in flight",
        State::Deserialize => "deserialising a message",
        State::Idle => "idle",
    }
}

/// The timeline's legend, in the order a task meets the states: its work, the waits that keep
/// it from working, the isolated workers' costs, and the idle background last. `Ready` is left
/// out because the timeline never draws it (a queued task does not occupy its lane).
pub const LEGEND: [State; 9] = [
    State::Run,
    State::WaitIo,
    State::WaitGil,
    State::Blocked,
    State::Startup,
    State::Serialize,
    State::Transfer,
    State::Deserialize,
    State::Idle,
];

// ---------------------------------------------------------------------------------------------
// Lanes.

/// The lanes of a model's result: every task's lane and every lane record's, in their natural
/// order ([`Lane`]'s), each once.
pub fn lanes_of(result: &ModelResult) -> Vec<Lane> {
    let mut lanes: Vec<Lane> = result
        .tasks
        .iter()
        .map(|t| t.lane)
        .chain(result.lanes.iter().map(|l| l.lane))
        .collect();
    lanes.sort_unstable();
    lanes.dedup();
    lanes
}

// ---------------------------------------------------------------------------------------------
// Timeline.

/// Width of the timeline's left gutter, where lane names are written.
pub const TIMELINE_LABEL_WIDTH: f64 = 130.0;
/// Height of the time axis above the timeline's groups.
pub const TIMELINE_AXIS_HEIGHT: f64 = 22.0;
/// Height of a model's header (its label) above its lanes.
pub const GROUP_HEADER_HEIGHT: f64 = 20.0;
/// Gap between two models' groups.
pub const GROUP_GAP: f64 = 10.0;
/// Height of one track: one bar.
pub const TRACK_HEIGHT: f64 = 14.0;
/// Gap between two tracks of a lane.
pub const TRACK_GAP: f64 = 2.0;
/// Padding above the first and below the last track of a lane.
pub const ROW_PADDING: f64 = 3.0;
/// The narrowest bar drawn, px: a 10 µs slice in a 10 s window must still be seen.
pub const MIN_BAR_WIDTH: f64 = 0.5;
/// Space kept free right of every chart, so the last tick's label fits.
const RIGHT_MARGIN: f64 = 12.0;

/// The visible window of the timeline, for zoom and pan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelineView {
    /// Left edge, ms since the runs began.
    pub start_ms: f64,
    /// Right edge, ms.
    pub end_ms: f64,
    /// The furthest the window may reach: the longest model's wall time (at least
    /// [`TimelineView::MIN_WINDOW_MS`]). Carried here so zoom and pan can clamp on their own.
    pub extent_ms: f64,
}

impl TimelineView {
    /// The narrowest window, ms: below it the timer's resolution shows more than the runs do.
    pub const MIN_WINDOW_MS: f64 = 1.0;

    /// The whole of every run: from 0 to the longest model's wall time.
    pub fn full(results: &Results) -> TimelineView {
        let extent_ms = results
            .models
            .iter()
            .map(|m| m.wall_ms)
            .filter(|w| w.is_finite())
            .fold(Self::MIN_WINDOW_MS, f64::max);
        TimelineView {
            start_ms: 0.0,
            end_ms: extent_ms,
            extent_ms,
        }
    }

    /// The window's length, ms.
    pub fn width_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }

    /// The same window made valid: at least [`Self::MIN_WINDOW_MS`] wide (unless the extent is
    /// shorter), inside `[0, extent_ms]`, shifted rather than shrunk when it sticks out, and the
    /// whole extent when its edges are not numbers.
    pub fn clamped(&self) -> TimelineView {
        let extent_ms = if self.extent_ms.is_finite() && self.extent_ms > 0.0 {
            self.extent_ms
        } else {
            Self::MIN_WINDOW_MS
        };
        if !(self.start_ms.is_finite() && self.end_ms.is_finite()) {
            return TimelineView {
                start_ms: 0.0,
                end_ms: extent_ms,
                extent_ms,
            };
        }
        let width = self.width_ms().max(Self::MIN_WINDOW_MS).min(extent_ms);
        let start_ms = self.start_ms.clamp(0.0, extent_ms - width);
        TimelineView {
            start_ms,
            end_ms: start_ms + width,
            extent_ms,
        }
    }

    /// Zooms in by `factor` (2 halves the window; below 1 zooms out) around `center_ms`, which
    /// keeps its place on screen — the point under the cursor stays under it, as users expect
    /// of a wheel zoom. Clamped as [`Self::clamped`]; a factor that is not a positive number
    /// leaves the window as it is.
    pub fn zoom(&self, factor: f64, center_ms: f64) -> TimelineView {
        let view = self.clamped();
        if !(factor.is_finite() && factor > 0.0 && center_ms.is_finite()) {
            return view;
        }
        let anchor = center_ms.clamp(view.start_ms, view.end_ms);
        let old_width = view.width_ms();
        let fraction = if old_width > 0.0 {
            (anchor - view.start_ms) / old_width
        } else {
            0.5
        };
        let width = (old_width / factor)
            .max(Self::MIN_WINDOW_MS)
            .min(view.extent_ms);
        let start_ms = anchor - fraction * width;
        TimelineView {
            start_ms,
            end_ms: start_ms + width,
            extent_ms: view.extent_ms,
        }
        .clamped()
    }

    /// Moves the window by `delta_ms` (positive: later), keeping its width, stopping at either
    /// end of the runs.
    pub fn pan(&self, delta_ms: f64) -> TimelineView {
        let view = self.clamped();
        if !delta_ms.is_finite() {
            return view;
        }
        TimelineView {
            start_ms: view.start_ms + delta_ms,
            end_ms: view.end_ms + delta_ms,
            extent_ms: view.extent_ms,
        }
        .clamped()
    }
}

/// A model's block in the timeline: its header and its lanes.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelGroup {
    /// The model.
    pub model: Model,
    /// Its label for the header.
    pub label: String,
    /// Top of the group (its header), px.
    pub y: f64,
    /// Header plus rows, px.
    pub height: f64,
}

/// One lane of one model in the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneRow {
    /// The model.
    pub model: Model,
    /// The lane's name, written in the left gutter.
    pub lane: Lane,
    /// Top of the row, px.
    pub y: f64,
    /// Height of the row, px: grows with `tracks`.
    pub height: f64,
    /// How many bars overlap at most in this lane, i.e. tracks stacked in the row (at least 1).
    pub tracks: u32,
}

/// One segment drawn in the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Left edge, px (clipped to the window).
    pub x: f64,
    /// Top, px.
    pub y: f64,
    /// Width, px (clipped; at least [`MIN_BAR_WIDTH`]).
    pub width: f64,
    /// Height, px.
    pub height: f64,
    /// What was going on.
    pub state: State,
    /// The task, or `None` for a lane's own segment (a worker's start-up, a GIL turn).
    pub task: Option<u32>,
    /// The lane.
    pub lane: Lane,
    /// The model.
    pub model: Model,
    /// The segment's real start, ms (not clipped: for tooltips).
    pub start_ms: f64,
    /// The segment's real end, ms.
    pub end_ms: f64,
    /// Which track of its lane's row it sits on (0 = top).
    pub track: u32,
    /// How many recorded segments it stands for: more than one when neighbours narrower than a
    /// pixel were drawn as one (see [`timeline`]).
    pub segments: u32,
}

/// Everything the timeline draws.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineLayout {
    /// One per model with something to show, in results order, stacked top to bottom.
    pub groups: Vec<ModelGroup>,
    /// Every lane of every group, top to bottom.
    pub rows: Vec<LaneRow>,
    /// The segments, on one time axis shared by all models.
    pub bars: Vec<Bar>,
    /// Time axis ticks: (x px, label).
    pub ticks: Vec<(f64, String)>,
    /// The baseline of the time axis, px (the axis sits above the groups).
    pub axis_y: f64,
    /// Total height, px.
    pub height: f64,
    /// Total width, px.
    pub width: f64,
    /// The left gutter for lane names; bars start right of it.
    pub label_width: f64,
    /// The window drawn (the view asked for, clamped to these results).
    pub view: TimelineView,
}

/// Whether a segment in `state` is drawn as a bar. A queued task (`Ready`) does not occupy
/// its lane, and `Idle` is the row's background, not something that happened.
fn is_bar(state: State) -> bool {
    !matches!(state, State::Ready | State::Idle)
}

/// A pixel size that is a number and not negative.
fn sane_px(px: f64) -> f64 {
    if px.is_finite() { px.max(0.0) } else { 0.0 }
}

/// Greedy interval colouring: gives each span (sorted by start) the first track free by its
/// start. Spans that merely touch share a track. Returns the tracks and how many were used.
fn assign_tracks(spans: &[(f64, f64)]) -> (Vec<u32>, u32) {
    let mut track_ends: Vec<f64> = Vec::new();
    let tracks = spans
        .iter()
        .map(|&(start, end)| {
            let free = track_ends
                .iter()
                .position(|&busy_until| busy_until <= start);
            let track = free.unwrap_or_else(|| {
                track_ends.push(f64::NEG_INFINITY);
                track_ends.len() - 1
            });
            track_ends[track] = end;
            track as u32
        })
        .collect();
    (tracks, track_ends.len().max(1) as u32)
}

/// Lays out the timeline of every model in `results` over the window `view`, `width_px` wide.
///
/// All models share one time axis, so the same instant is the same x everywhere and their
/// wall times compare at a glance. Tracks are assigned over the whole run, not just the
/// window, so rows keep their height while the user zooms and pans.
pub fn timeline(results: &Results, view: &TimelineView, width_px: f64) -> TimelineLayout {
    let width = sane_px(width_px);
    let label_width = TIMELINE_LABEL_WIDTH;
    let plot_right = (width - RIGHT_MARGIN).max(label_width + 1.0);
    let full = TimelineView::full(results);
    let view = TimelineView {
        extent_ms: full.extent_ms,
        ..*view
    }
    .clamped();
    let scale = LinearScale::new((view.start_ms, view.end_ms), (label_width, plot_right));

    let target = ((plot_right - label_width) / 90.0).floor().max(2.0) as usize;
    let ticks = nice_ticks(view.start_ms, view.end_ms, target)
        .into_iter()
        .map(|t| (scale.map(t), format_ms(t)))
        .collect();

    let mut groups = Vec::new();
    let mut rows = Vec::new();
    let mut bars: Vec<Bar> = Vec::new();
    let mut y = TIMELINE_AXIS_HEIGHT;
    for result in &results.models {
        if result.tasks.is_empty() && result.lanes.is_empty() {
            continue;
        }
        let group_y = y;
        y += GROUP_HEADER_HEIGHT;
        for lane in lanes_of(result) {
            let mut segments: Vec<(Segment, Option<u32>)> = result
                .tasks
                .iter()
                .filter(|t| t.lane == lane)
                .flat_map(|t| t.segments.iter().map(move |s| (*s, Some(t.task))))
                .chain(
                    result
                        .lanes
                        .iter()
                        .filter(|l| l.lane == lane)
                        .flat_map(|l| l.segments.iter().map(|s| (*s, None))),
                )
                .filter(|(s, _)| is_bar(s.state) && s.end_ms > s.start_ms)
                .collect();
            segments.sort_by(|(a, ta), (b, tb)| {
                a.start_ms
                    .total_cmp(&b.start_ms)
                    .then(a.end_ms.total_cmp(&b.end_ms))
                    .then(ta.cmp(tb))
            });
            let spans: Vec<(f64, f64)> = segments
                .iter()
                .map(|(s, _)| (s.start_ms, s.end_ms))
                .collect();
            let (track_of, tracks) = assign_tracks(&spans);
            let height = 2.0 * ROW_PADDING
                + f64::from(tracks) * TRACK_HEIGHT
                + f64::from(tracks - 1) * TRACK_GAP;
            // The last bar drawn on each track of this lane, to merge sub-pixel neighbours into,
            // with the longest segment it stands for so far (its state is that segment's).
            let mut last_on_track: Vec<Option<(usize, f64)>> = vec![None; tracks as usize];
            // Only a lane with more segments than the plot has pixels is merged: in any other,
            // every segment keeps its bar, however thin.
            let crowded = segments.len() as f64 > plot_right - label_width;
            for ((segment, task), track) in segments.iter().zip(track_of) {
                if segment.end_ms <= view.start_ms || segment.start_ms >= view.end_ms {
                    continue;
                }
                let left = scale.map(segment.start_ms.max(view.start_ms));
                let right = scale.map(segment.end_ms.min(view.end_ms));
                // Thousands of tiny tasks would be thousands of slivers on top of one another,
                // and a long render (docs/BENCHMARKS.md, B6). In a crowded lane, segments each
                // under a pixel, a pixel or less apart, are drawn as one bar: any number of one state; of
                // several states, only within one pixel, coloured by the longest — what a
                // pixel can show. A sliver next to a wide bar stays a bar of its own.
                let tiny = |start: f64, end: f64| scale.map(end) - scale.map(start) < 1.0;
                let duration = segment.end_ms - segment.start_ms;
                if crowded
                    && let Some((i, longest)) = last_on_track[track as usize]
                    && tiny(segment.start_ms, segment.end_ms)
                    && (bars[i].segments > 1 || tiny(bars[i].start_ms, bars[i].end_ms))
                    && left <= bars[i].x + bars[i].width + 1.0
                    && (bars[i].state == segment.state || bars[i].width < 1.0)
                {
                    let last = &mut bars[i];
                    last.width = last.width.max(right - last.x);
                    last.end_ms = last.end_ms.max(segment.end_ms);
                    last.segments += 1;
                    if last.task != *task {
                        last.task = None;
                    }
                    if duration > longest {
                        last.state = segment.state;
                    }
                    last_on_track[track as usize] = Some((i, longest.max(duration)));
                    continue;
                }
                let mut bar_width = right - left;
                let mut x = left;
                if bar_width < MIN_BAR_WIDTH {
                    bar_width = MIN_BAR_WIDTH;
                    // Widen inwards at the right edge, so the sliver stays in the plot.
                    x = x.min(plot_right - MIN_BAR_WIDTH);
                }
                bars.push(Bar {
                    x,
                    y: y + ROW_PADDING + f64::from(track) * (TRACK_HEIGHT + TRACK_GAP),
                    width: bar_width,
                    height: TRACK_HEIGHT,
                    state: segment.state,
                    task: *task,
                    lane,
                    model: result.model,
                    start_ms: segment.start_ms,
                    end_ms: segment.end_ms,
                    track,
                    segments: 1,
                });
                last_on_track[track as usize] = Some((bars.len() - 1, duration));
            }
            rows.push(LaneRow {
                model: result.model,
                lane,
                y,
                height,
                tracks,
            });
            y += height;
        }
        groups.push(ModelGroup {
            model: result.model,
            label: result.model.info().label.to_string(),
            y: group_y,
            height: y - group_y,
        });
        y += GROUP_GAP;
    }
    let height = if groups.is_empty() { y } else { y - GROUP_GAP };
    TimelineLayout {
        groups,
        rows,
        bars,
        ticks,
        axis_y: TIMELINE_AXIS_HEIGHT,
        height,
        width,
        label_width,
        view,
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison.

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

// ---------------------------------------------------------------------------------------------
// Scaling.

/// Margins of the scaling and latency charts: room for the y axis's labels on the left and
/// the x axis's below.
const PLOT_LEFT: f64 = 48.0;
const PLOT_TOP: f64 = 8.0;

/// The parallel fraction `p` of Amdahl's law that best fits measured speedups.
///
/// Amdahl: `S(N) = 1 / ((1 − p) + p/N)`, i.e. `1/S − 1 = p (1/N − 1)`, a line through the
/// origin in `x = 1/N − 1`, `y = 1/S − 1`; least squares gives `p = Σxy / Σx²`. Fitting the
/// reciprocal weighs every worker count alike, where fitting `S` itself would let the largest
/// (and noisiest) speedups dominate. Clamped to `[0, 1]`: a slowdown fits `p = 0` and a
/// superlinear speedup (caches) `p = 1`. `None` without a point at more than one worker — a
/// single worker says nothing about scaling. Points that are not positive numbers are ignored.
pub fn amdahl_fit(points: &[(f64, f64)]) -> Option<f64> {
    let (mut sxy, mut sxx) = (0.0, 0.0);
    let mut any = false;
    for &(n, s) in points {
        if !(n.is_finite() && s.is_finite() && n > 0.0 && s > 0.0) {
            continue;
        }
        any |= n > 1.0;
        let x = 1.0 / n - 1.0;
        let y = 1.0 / s - 1.0;
        sxy += x * y;
        sxx += x * x;
    }
    if !any || sxx == 0.0 {
        return None;
    }
    Some((sxy / sxx).clamp(0.0, 1.0))
}

/// Amdahl's speedup on `n` workers for parallel fraction `p`.
pub fn amdahl_speedup(p: f64, n: f64) -> f64 {
    1.0 / ((1.0 - p) + p / n)
}

/// One measured point of a scaling series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalingDot {
    /// Workers.
    pub workers: u32,
    /// Wall time at that many workers, ms.
    pub wall_ms: f64,
    /// Wall time at the model's smallest worker count over this one.
    pub speedup: f64,
    /// Speedup per worker (1 = perfect scaling).
    pub efficiency: f64,
    /// Whether every task verified.
    pub answer_ok: bool,
    /// Position, px.
    pub x: f64,
    /// Position, px.
    pub y: f64,
}

/// One model's line in the scaling chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingSeries {
    /// The model.
    pub model: Model,
    /// Its label, for the legend.
    pub label: String,
    /// Its points, by worker count.
    pub dots: Vec<ScalingDot>,
    /// Amdahl's parallel fraction fitted to the points, when there is more than one worker.
    pub parallel_fraction: Option<f64>,
    /// The fitted curve at every integer worker count from 1 to the largest, px (empty without
    /// a fit).
    pub fit_curve: Vec<(f64, f64)>,
}

/// The scaling chart: speedup against workers.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingLayout {
    /// One series per model swept, in page order.
    pub series: Vec<ScalingSeries>,
    /// Perfect scaling (speedup = N), from 1 worker to the most, px.
    pub ideal: Vec<(f64, f64)>,
    /// Worker-count ticks: (x px, label).
    pub x_ticks: Vec<(f64, String)>,
    /// Speedup ticks: (y px, label such as `4×`).
    pub y_ticks: Vec<(f64, String)>,
    /// The plot area: (left, top, right, bottom), px.
    pub plot: (f64, f64, f64, f64),
    /// Total width, px.
    pub width: f64,
    /// Total height, px.
    pub height: f64,
}

/// Lays out a scaling sweep in a `width_px` × `height_px` chart: per model, speedup over its
/// smallest worker count (normally 1) at each count, the ideal line, and the Amdahl fit — the
/// fit turns "it stopped scaling at 4" into a number a reader can compare across models.
/// Points with no positive wall time are skipped (there is no speedup to take).
pub fn scaling(points: &[ScalingPoint], width_px: f64, height_px: f64) -> ScalingLayout {
    let width = sane_px(width_px);
    let height = sane_px(height_px);
    let right = (width - RIGHT_MARGIN).max(PLOT_LEFT + 1.0);
    let bottom = (height - AXIS_HEIGHT).max(PLOT_TOP + 1.0);

    struct Raw {
        model: Model,
        measured: Vec<(u32, f64, f64, bool)>,
    }
    let raw: Vec<Raw> = Model::ALL
        .into_iter()
        .filter_map(|model| {
            let mut own: Vec<&ScalingPoint> = points
                .iter()
                .filter(|p| p.model == model && p.workers > 0)
                .filter(|p| p.wall_ms.is_finite() && p.wall_ms > 0.0)
                .collect();
            own.sort_by_key(|p| p.workers);
            let base = own.first()?.wall_ms;
            let measured = own
                .iter()
                .map(|p| (p.workers, p.wall_ms, base / p.wall_ms, p.answer_ok))
                .collect();
            Some(Raw { model, measured })
        })
        .collect();

    let max_workers = raw
        .iter()
        .flat_map(|r| r.measured.iter().map(|m| m.0))
        .max()
        .unwrap_or(1)
        .max(1);
    let max_speedup = raw
        .iter()
        .flat_map(|r| r.measured.iter().map(|m| m.2))
        .fold(f64::from(max_workers), f64::max);
    let (y_end, y_values) = nice_axis(max_speedup, 5);
    // From 1 worker (the baseline) to the most: nothing happens left of 1. A half-step margin
    // keeps the dots off the axis, and a one-point sweep still has a domain.
    let x_scale = LinearScale::new((0.5, f64::from(max_workers) + 0.5), (PLOT_LEFT, right));
    let y_scale = LinearScale::new((0.0, y_end), (bottom, PLOT_TOP));
    let at = |n: f64, s: f64| (x_scale.map(n), y_scale.map(s));

    let series: Vec<ScalingSeries> = raw
        .iter()
        .map(|r| {
            let dots = r
                .measured
                .iter()
                .map(|&(workers, wall_ms, speedup, answer_ok)| {
                    let (x, y) = at(f64::from(workers), speedup);
                    ScalingDot {
                        workers,
                        wall_ms,
                        speedup,
                        efficiency: speedup / f64::from(workers),
                        answer_ok,
                        x,
                        y,
                    }
                })
                .collect();
            let pairs: Vec<(f64, f64)> = r.measured.iter().map(|m| (f64::from(m.0), m.2)).collect();
            let parallel_fraction = amdahl_fit(&pairs);
            let fit_curve = parallel_fraction.map_or_else(Vec::new, |p| {
                (1..=max_workers)
                    .map(|n| at(f64::from(n), amdahl_speedup(p, f64::from(n))))
                    .collect()
            });
            ScalingSeries {
                model: r.model,
                label: r.model.info().label.to_string(),
                dots,
                parallel_fraction,
                fit_curve,
            }
        })
        .collect();

    let (ideal, x_ticks, y_ticks) = if series.is_empty() {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        let top = f64::from(max_workers);
        let x_target = (max_workers as usize).min(10);
        let x_ticks = nice_ticks(1.0, top, x_target)
            .into_iter()
            .filter(|&n| n >= 1.0 && n.fract() == 0.0)
            .map(|n| (x_scale.map(n), format!("{n}")))
            .collect();
        let y_ticks = y_values
            .into_iter()
            .map(|s| (y_scale.map(s), format!("{}×", trim_number(s))))
            .collect();
        (vec![at(1.0, 1.0), at(top, top)], x_ticks, y_ticks)
    };
    ScalingLayout {
        series,
        ideal,
        x_ticks,
        y_ticks,
        plot: (PLOT_LEFT, PLOT_TOP, right, bottom),
        width,
        height,
    }
}

// ---------------------------------------------------------------------------------------------
// Latency.

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

pub mod markup;

#[cfg(test)]
mod test;
