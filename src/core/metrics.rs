//! The clock seam and the statistics the results need.
//!
//! All times are milliseconds on one clock shared by every lane. In the browser that is
//! `performance.timeOrigin + performance.now()`, because each worker has its own `timeOrigin`;
//! on the host tests pass a fake clock.

use serde::{Deserialize, Serialize};

/// A source of timestamps in milliseconds. The browser's is in `web::clock`.
pub trait Clock {
    /// The current time in milliseconds on a clock shared by all threads and workers.
    fn now_ms(&self) -> f64;
}

/// The host's wall clock, for tests that run real threads.
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct SystemClock;

#[cfg(test)]
impl Clock for SystemClock {
    fn now_ms(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_secs_f64()
            * 1e3
    }
}

/// How the UI thread's heartbeat fared during a run.
///
/// The page ticks a timer every few milliseconds while a model runs; a blocked UI thread cannot
/// tick, so the longest gap between beats is the longest freeze a user felt.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// Beats that fired strictly inside the run.
    pub beats: u32,
    /// The longest interval without a beat, counting from the run's start and to its end.
    pub longest_gap_ms: f64,
    /// Gaps longer than [`LONG_TASK_MS`]: moments a user would feel as jank.
    pub long_gaps: u32,
    /// 95th percentile of the gaps, ms: how late a typical beat was at worst.
    pub p95_gap_ms: f64,
}

/// The browser's "long task" threshold: a main-thread block longer than this is noticeable.
pub const LONG_TASK_MS: f64 = 50.0;

impl Heartbeat {
    /// Summarises beat timestamps for a run that lasted from `start` to `end`.
    pub fn from_beats(beats: &[f64], start: f64, end: f64) -> Heartbeat {
        let inside: Vec<f64> = beats
            .iter()
            .copied()
            .filter(|&t| t > start && t < end)
            .collect();
        let mut previous = start;
        let mut gaps = Vec::with_capacity(inside.len() + 1);
        for &t in inside.iter().chain(std::iter::once(&end)) {
            gaps.push(t - previous);
            previous = t;
        }
        gaps.sort_by(f64::total_cmp);
        Heartbeat {
            beats: inside.len() as u32,
            longest_gap_ms: gaps.last().copied().unwrap_or(0.0),
            long_gaps: gaps.iter().filter(|&&g| g > LONG_TASK_MS).count() as u32,
            p95_gap_ms: percentile(&gaps, 95.0),
        }
    }
}

/// The spread of a sample: minimum, median, 95th percentile, maximum.
///
/// Percentiles interpolate linearly between the closest ranks (NumPy's default), so the median
/// of an even-sized sample is the mean of the middle two.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Smallest value.
    pub min: f64,
    /// 50th percentile.
    pub median: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Largest value.
    pub max: f64,
}

impl Distribution {
    /// The distribution of `values`; `None` when empty.
    pub fn of(values: &[f64]) -> Option<Distribution> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Distribution {
            min: *sorted.first()?,
            median: percentile(&sorted, 50.0),
            p95: percentile(&sorted, 95.0),
            max: *sorted.last()?,
        })
    }
}

/// The `p`-th percentile (0–100) of an ascending, non-empty slice, linearly interpolated.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let position = (p / 100.0).clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// How often consecutive slices came from different tasks: 0 means the tasks ran one after
/// another; with `k` tasks of `s` slices each, perfect round-robin gives `k·s − 1`.
pub fn task_switches(slice_log: &[u32]) -> u32 {
    slice_log.windows(2).filter(|w| w[0] != w[1]).count() as u32
}

/// The timer's resolution: the smallest positive step between successive readings.
/// Browsers coarsen `performance.now()` (5 µs when cross-origin isolated, 100 µs otherwise).
pub fn timer_resolution_ms(readings: &[f64]) -> Option<f64> {
    readings
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|&d| d > 0.0)
        .min_by(f64::total_cmp)
}

#[cfg(test)]
mod test;

#[cfg(test)]
pub mod fake;
