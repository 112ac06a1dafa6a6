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

use super::{Bar, LatencyBar, state_label};
use crate::trace::State;

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

/// A state's name in the results document (`run`, `wait_gil`, …): the bars' `data-state`.
pub fn state_id(state: State) -> String {
    serde_json::to_string(&state)
        .unwrap_or_default()
        .trim_matches('"')
        .to_string()
}

/// What a timeline bar stands for, in words: read by screen readers (its `aria-label`) and
/// shown in the timeline's detail line on hover or focus.
pub fn describe(bar: &Bar) -> String {
    let what = match (bar.task, bar.segments) {
        (Some(task), 1) => format!("task {task}"),
        (_, 1) => bar.lane.clone(),
        (_, n) => format!("{n} segments, each under a pixel wide"),
    };
    format!(
        "{} · {} · {what}: {} from {:.1} ms for {:.1} ms",
        bar.model.info().label,
        bar.lane,
        state_label(bar.state),
        bar.start_ms,
        bar.end_ms - bar.start_ms
    )
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
            r#"<rect class="bar {}" tabindex="-1" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" data-i="{i}" data-model="{}" data-lane="{}" data-state="{}""#,
            super::state_class(bar.state),
            bar.x,
            bar.y,
            bar.width,
            bar.height,
            bar.model.info().id,
            escape(&bar.lane),
            state_id(bar.state),
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
        let _ = write!(
            out,
            r#"<rect class="bar state-run" data-testid="latency-bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}">"#,
            b.x, b.y, b.width, b.height
        );
        if tooltips && b.tasks == 1 {
            let _ = write!(
                out,
                "<title>task {}: {:.1} ms</title>",
                b.task, b.latency_ms
            );
        }
        out.push_str("</rect>");
    }
    out.push_str("</g>");
    out
}
