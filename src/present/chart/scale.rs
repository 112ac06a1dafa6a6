//! Scales and ticks: a linear map from data to pixels, round tick values, and the page's
//! way of writing a duration.

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
pub(super) fn tick_spec(start: f64, stop: f64, count: f64) -> Option<(f64, f64, f64)> {
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
pub(super) fn tick_value(i: f64, inc: f64) -> f64 {
    if inc < 0.0 { i / -inc } else { i * inc }
}

/// The most ticks [`nice_ticks`] returns, whatever it is asked: a chart never needs more, and
/// a bad `target` must not allocate the world.
pub(super) const MAX_TICKS: f64 = 1_000.0;

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
pub(super) fn nice_axis(max: f64, target: usize) -> (f64, Vec<f64>) {
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
pub(super) fn trim_number(x: f64) -> String {
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
