//! The timeline: every model's lanes, each task's segments as bars, overlapping waits stacked
//! on tracks, and the zoomed window.

use super::scale::*;
use crate::core::trace::{Lane, Segment, State};
use crate::models::Model;
use crate::report::{ModelResult, Results};

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
pub(super) const RIGHT_MARGIN: f64 = 12.0;

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
pub(super) fn is_bar(state: State) -> bool {
    !matches!(state, State::Ready | State::Idle)
}

/// A pixel size that is a number and not negative.
pub(super) fn sane_px(px: f64) -> f64 {
    if px.is_finite() { px.max(0.0) } else { 0.0 }
}

/// Greedy interval colouring: gives each span (sorted by start) the first track free by its
/// start. Spans that merely touch share a track. Returns the tracks and how many were used.
pub(super) fn assign_tracks(spans: &[(f64, f64)]) -> (Vec<u32>, u32) {
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

#[cfg(test)]
mod test;
