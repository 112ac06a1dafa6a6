//! The scaling chart: wall time against workers, and Amdahl's law fitted to a sweep.

use super::comparison::*;
use super::scale::*;
use super::timeline::*;
use crate::core::choice::Choice;
use crate::models::Model;
use crate::report::ScalingPoint;

/// Margins of the scaling and latency charts: room for the y axis's labels on the left and
/// the x axis's below.
pub(super) const PLOT_LEFT: f64 = 48.0;
pub(super) const PLOT_TOP: f64 = 8.0;

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
        .iter()
        .copied()
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

#[cfg(test)]
mod test;
