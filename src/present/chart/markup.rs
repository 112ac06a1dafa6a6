//! The charts' many bars as SVG markup text, for the page to hand to the browser in one piece.
//!
//! Why text: Yew makes an element with one call into the DOM per element and one per attribute,
//! each crossing from wasm to JS with its strings. The timeline of 1024 tasks × 3 models draws
//! ~1300 bars of 13 attributes each, and building them that way took the page 50–70 ms, one
//! long task (docs/BENCHMARKS.md, B6). Written here as markup, they cross once and the
//! browser's own parser builds them in a few milliseconds. The few elements around them (axes,
//! labels, lanes) stay in the components.
//!
//! Everything written is escaped ([`escape`]), so a lane or label can never become markup.

use std::fmt::Write;

use super::latency::LatencyBar;
use super::states::{state_class, state_label};
use super::timeline::Bar;

/// `text` with the five characters that could end an attribute value or start markup replaced
/// by their character references.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.into()
}

/// Writes `v` with `decimals` (0 to 3) digits after the point, the digits `{:.N}` writes, with
/// integer arithmetic: core's exact float formatting takes ~2 µs a number in wasm, and the
/// timeline writes ~8000 of them (1300 bars), which was most of the 20 ms its markup took.
///
/// Scaling rounds, but monotonically: only a product that lands exactly on a half can round
/// otherwise than the exact decimal value does (0.35 is a little under 0.35, and 0.35 × 10 is
/// 3.5), so those — with `-0`, NaN, infinities and huge numbers — go to `format!`.
pub fn fixed(out: &mut String, v: f64, decimals: u32) {
    let decimals = decimals.min(3);
    let unit = 10i64.pow(decimals);
    let product = v * unit as f64;
    let scaled = product.round();
    if !scaled.is_finite()
        || scaled.abs() >= 1e15
        || product.fract().abs() == 0.5
        || (scaled == 0.0 && v.is_sign_negative())
    {
        let _ = write!(out, "{v:.*}", decimals as usize);
        return;
    }
    let scaled = scaled as i64;
    if scaled < 0 {
        out.push('-');
    }
    let n = scaled.unsigned_abs();
    let unit = unit.unsigned_abs();
    let _ = write!(out, "{}", n / unit);
    if decimals > 0 {
        let _ = write!(out, ".{:0width$}", n % unit, width = decimals as usize);
    }
}

/// Writes a rect's ` x="…" y="…" width="…" height="…"`, each to `decimals` places.
fn rect_box(out: &mut String, [x, y, width, height]: [f64; 4], decimals: u32) {
    for (name, v) in [("x", x), ("y", y), ("width", width), ("height", height)] {
        let _ = write!(out, r#" {name}=""#);
        fixed(out, v, decimals);
        out.push('"');
    }
}

/// What a timeline bar stands for, in words: read by screen readers (its `aria-label`) and
/// shown in the timeline's detail line on hover or focus.
pub fn describe(bar: &Bar) -> String {
    let mut out = String::with_capacity(96);
    let _ = write!(out, "{} · {} · ", bar.model.info().label, bar.lane);
    match (bar.task, bar.segments) {
        (Some(task), 1) => {
            let _ = write!(out, "task {task}");
        }
        (_, 1) => {
            let _ = write!(out, "{}", bar.lane);
        }
        (_, n) => {
            let _ = write!(out, "{n} segments, each under a pixel wide");
        }
    }
    let _ = write!(out, ": {} from ", state_label(bar.state));
    fixed(&mut out, bar.start_ms, 1);
    out.push_str(" ms for ");
    fixed(&mut out, bar.end_ms - bar.start_ms, 1);
    out.push_str(" ms");
    out
}

/// The timeline's bars in one `<g class="bars">`: a `<rect class="bar …">` each, focusable but
/// not a tab stop (the chart is one; its arrow keys walk the bars), numbered by `data-i` in
/// `bars` order (the page finds a bar's description by it), with `texts[i]` as its label.
pub fn timeline_bars(bars: &[Bar], texts: &[String]) -> String {
    let mut out = String::with_capacity(bars.len() * 260);
    out.push_str(r#"<g class="bars">"#);
    for (i, (bar, text)) in bars.iter().zip(texts).enumerate() {
        let _ = write!(
            out,
            r#"<rect class="bar {}" tabindex="-1""#,
            state_class(bar.state)
        );
        rect_box(&mut out, [bar.x, bar.y, bar.width, bar.height], 2);
        let _ = write!(
            out,
            r#" data-i="{i}" data-model="{}" data-lane="{}" data-state="{}""#,
            bar.model.info().id,
            escape(&bar.lane.to_string()),
            bar.state.id(),
        );
        if let Some(task) = bar.task {
            let _ = write!(out, r#" data-task="{task}""#);
        }
        if bar.segments > 1 {
            let _ = write!(out, r#" data-segments="{}""#, bar.segments);
        }
        let _ = write!(out, r#" aria-label="{}"/>"#, escape(text));
    }
    out.push_str("</g>");
    out
}

/// The latency chart's columns in one `<g class="bars">`: a `<rect data-testid="latency-bar">`
/// each; with `tooltips`, a `<title>` on every column that stands for one task.
pub fn latency_bars(bars: &[LatencyBar], tooltips: bool) -> String {
    let mut out = String::with_capacity(bars.len() * 120);
    out.push_str(r#"<g class="bars">"#);
    for b in bars {
        out.push_str(r#"<rect class="bar state-run" data-testid="latency-bar""#);
        rect_box(&mut out, [b.x, b.y, b.width, b.height], 1);
        out.push('>');
        if tooltips && b.tasks == 1 {
            let _ = write!(out, "<title>task {}: ", b.task);
            fixed(&mut out, b.latency_ms, 1);
            out.push_str(" ms</title>");
        }
        out.push_str("</rect>");
    }
    out.push_str("</g>");
    out
}
