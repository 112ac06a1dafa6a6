//! The views of a run, all drawn from the results document (so an exported run re-renders the
//! same): the timeline, the wall-time comparison, the scaling chart, the latency view, the
//! decision table and the Python mapping. The geometry is computed by [`crate::present::chart`] (pure,
//! host-tested); these components only turn it into SVG and tables.
//!
//! Every chart is an `<svg role="img">` with an `aria-label`, and has a data table beside it
//! (in a `<details>`), so the numbers are there for screen readers and for copying.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::Shared;
use crate::core::choice::Choice;
use crate::models::Model;
use crate::present::chart::{self, TimelineView, markup};
use crate::present::decision;
use crate::present::python;
use crate::report::{Results, Status};

/// Props of [`ChartDownloads`].
#[derive(Debug, Properties, PartialEq)]
struct ChartDownloadsProps {
    /// The view whose chart the buttons save.
    testid: &'static str,
}

/// Buttons that save the chart of view `testid` as an SVG or a PNG file, and say why when the
/// browser could not make the file.
#[function_component(ChartDownloads)]
fn chart_downloads(props: &ChartDownloadsProps) -> Html {
    let testid = props.testid;
    let problem = use_state(|| None::<String>);
    let on_error = {
        let problem = problem.clone();
        Callback::from(move |message: String| problem.set(Some(message)))
    };
    let save = |png: bool| {
        let (problem, on_error) = (problem.clone(), on_error.clone());
        Callback::from(move |_: MouseEvent| {
            problem.set(None);
            if png {
                super::share::download_png(testid, on_error.clone());
            } else if let Err(message) = super::share::download_svg(testid) {
                on_error.emit(message);
            }
        })
    };
    html! {
        <>
            <button type="button" class="secondary small" data-testid={format!("svg-{testid}")}
                onclick={save(false)}>
                { "Download SVG" }
            </button>
            { " " }
            <button type="button" class="secondary small" data-testid={format!("png-{testid}")}
                onclick={save(true)}>
                { "PNG" }
            </button>
            if let Some(message) = &*problem {
                <p class="error" role="alert" data-testid={format!("export-error-{testid}")}>{ message }</p>
            }
        </>
    }
}

/// Width the charts are laid out at; the SVG scales to its container.
const CHART_WIDTH: f64 = 960.0;

/// Props of the views that show one run.
#[derive(Debug, Properties, PartialEq)]
pub struct RunProps {
    /// The run.
    pub results: Shared<Results>,
}

/// The legend of trace states, shared by the timeline.
fn legend() -> Html {
    html! {
        <ul class="legend" data-testid="legend" aria-label="Trace states">
            { for chart::LEGEND.iter().map(|&state| html! {
                <li><span class={classes!("swatch", chart::state_class(state))}></span>{ chart::state_label(state) }</li>
            }) }
        </ul>
    }
}

/// Most bars of a chart that get a tooltip of their own.
const MAX_TOOLTIPS: usize = 200;

/// Props of [`LazyDetails`].
#[derive(Debug, Properties, PartialEq)]
pub struct LazyDetailsProps {
    /// The summary line.
    pub summary: AttrValue,
    /// What the details hold: rendered only once they are opened.
    pub children: Html,
}

/// A `<details>` whose content is built the first time it is opened: a data table of a
/// thousand rows costs the page a long task to build, for a reader who may never open it.
#[function_component(LazyDetails)]
pub fn lazy_details(props: &LazyDetailsProps) -> Html {
    let opened = use_state(|| false);
    let ontoggle = {
        let opened = opened.clone();
        Callback::from(move |e: Event| {
            let open = e
                .target_dyn_into::<web_sys::HtmlDetailsElement>()
                .is_some_and(|d| d.open());
            if open && !*opened {
                opened.set(true);
            }
        })
    };
    html! {
        <details {ontoggle}>
            <summary>{ props.summary.clone() }</summary>
            if *opened { { props.children.clone() } }
        </details>
    }
}

/// The number (`data-i`) of the timeline bar that has the focus, if one has.
fn focused_bar() -> Option<i64> {
    web_sys::window()?
        .document()?
        .active_element()?
        .get_attribute("data-i")?
        .parse()
        .ok()
}

/// Props of [`Later`].
#[derive(Debug, Properties, PartialEq)]
pub struct LaterProps {
    /// Its place among the page's deferred views: it appears after `turn + 1` zero-delay timers
    /// in a row, so views with different turns appear in different tasks.
    pub turn: u32,
    /// What to show, from a later task on.
    pub children: Html,
}

/// Shows its children from a later task than the one it appears in: a run's views all appear
/// when it is done, and drawn in one task, after 1024 tasks × 3 models, they made a long task of
/// 50–120 ms when the VM ran slow (docs/BENCHMARKS.md, B6). Until then it holds a
/// `data-drawing` placeholder, which the run waits for before it says it is done
/// (`web::dom::drawing`).
///
/// Why a chain of timers, one per turn: in this threaded build a future waits for its wake-up
/// with `Atomics.waitAsync`, whose promises the browser may settle several in one task, so
/// views waiting on timers that fire together were all drawn in one task. Each round of timers
/// now makes one view ready; the others set their next timer.
#[function_component(Later)]
pub fn later(props: &LaterProps) -> Html {
    let ready = use_state(|| false);
    {
        let ready = ready.clone();
        use_effect_with(props.turn, move |&turn| {
            wasm_bindgen_futures::spawn_local(async move {
                for _ in 0..=turn {
                    crate::web::clock::sleep_ms(0).await;
                }
                ready.set(true);
            });
        });
    }
    if *ready {
        props.children.clone()
    } else {
        html! { <div data-drawing="views"></div> }
    }
}

/// Moves the focus from the timeline's focused bar (or the chart itself) to the bar `step`
/// places on, in drawing order. The bars are not tab stops of their own: after a run of a
/// thousand tasks, Tab would have to cross every one of them to leave the chart.
fn step_through_bars(chart: &web_sys::Element, step: i64) {
    let to = focused_bar().map_or(0, |i| (i + step).max(0));
    if let Ok(Some(bar)) = chart.query_selector(&format!(r#"rect[data-i="{to}"]"#)) {
        // `focus()` does not throw; an element that cannot take focus just keeps it where it is.
        let _ = bar.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}

/// The timeline: one lane per main thread, scheduler, pool thread or worker, every model on
/// the same time axis; zoom and pan with the buttons or, when the chart has focus, `+`, `-`,
/// `0` and the arrow keys.
#[function_component(Timeline)]
pub fn timeline(props: &RunProps) -> Html {
    let full = TimelineView::full(&props.results);
    let view = use_state(|| full);
    // A new run resets the window.
    {
        let view = view.clone();
        use_effect_with(full, move |full| view.set(*full));
    }
    let selected = use_state(|| None::<String>);
    // Laid out and written once per document and window, not again at every hover.
    let drawing = use_memo((props.results.clone(), *view), |(results, view)| {
        let layout = chart::timeline(results, view, CHART_WIDTH);
        let texts: Rc<Vec<String>> = Rc::new(layout.bars.iter().map(markup::describe).collect());
        let bars = Html::from_html_unchecked(markup::timeline_bars(&layout.bars, &texts).into());
        (layout, texts, bars)
    });
    let (layout, texts, bars) = &*drawing;
    // A new document draws its lanes first and its bars in a later task (a 0 ms timer's): hundreds
    // of bars in the same task as the rest of the page made one long task (docs/BENCHMARKS.md,
    // B6). The key tells documents apart.
    let key = (
        full.extent_ms.to_bits(),
        props.results.models.len(),
        props
            .results
            .models
            .iter()
            .map(|m| m.tasks.len())
            .sum::<usize>(),
    );
    let drawn = use_state(|| None);
    {
        let drawn = drawn.clone();
        use_effect_with(key, move |key| {
            let key = *key;
            wasm_bindgen_futures::spawn_local(async move {
                crate::web::clock::sleep_ms(0).await;
                drawn.set(Some(key));
            });
        });
    }
    let show_bars = *drawn == Some(key);
    let center = (view.start_ms + view.end_ms) / 2.0;
    let zoom = |factor: f64| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(view.zoom(factor, center)))
    };
    let pan = |fraction: f64| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(view.pan(fraction * view.width_ms())))
    };
    let reset = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(full))
    };
    // Yew delegates events to the page's root, so the handler finds the chart by reference,
    // not as the event's current target.
    let chart_ref = use_node_ref();
    let on_key = {
        let (view, chart_ref) = (view.clone(), chart_ref.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(chart) = chart_ref.cast::<web_sys::Element>() else {
                return;
            };
            let next = match e.key().as_str() {
                "+" | "=" => view.zoom(2.0, center),
                "-" | "_" => view.zoom(0.5, center),
                "0" => full,
                "ArrowLeft" => view.pan(-0.2 * view.width_ms()),
                "ArrowRight" => view.pan(0.2 * view.width_ms()),
                "ArrowDown" | "ArrowUp" => {
                    e.prevent_default();
                    step_through_bars(&chart, if e.key() == "ArrowDown" { 1 } else { -1 });
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            // A new window redraws every bar, the focused one too: the chart keeps the focus.
            if focused_bar().is_some() {
                // As in `step_through_bars`: `focus()` does not throw.
                let _ = chart.unchecked_into::<web_sys::HtmlElement>().focus();
            }
            view.set(next);
        })
    };
    // One description per bar, read by screen readers (aria-label) and shown in the detail line
    // on hover or focus. One pair of listeners on the chart serves every bar (found by its
    // `data-i`): hundreds of bars with closures and tooltips of their own made the page's
    // render after a run a long task (docs/BENCHMARKS.md, B6).
    let show = {
        let (selected, texts) = (selected.clone(), texts.clone());
        move |target: Option<web_sys::EventTarget>| {
            let text = target
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.get_attribute("data-i"))
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| texts.get(i).cloned());
            if text.is_some() {
                selected.set(text);
            }
        }
    };
    let on_over = {
        let show = show.clone();
        Callback::from(move |e: MouseEvent| show(e.target()))
    };
    let on_focus = Callback::from(move |e: FocusEvent| show(e.target()));
    let label = format!(
        "Timeline of {} models, {} to {}: one lane per thread or worker, coloured by state",
        layout.groups.len(),
        chart::format_ms(layout.view.start_ms),
        chart::format_ms(layout.view.end_ms)
    );
    html! {
        <section class="view" data-testid="timeline" aria-labelledby="timeline-title"
            data-drawing={(!show_bars).then_some("bars")}>
            <h2 id="timeline-title">{ "Timeline" }</h2>
            <p class="hint" id="timeline-hint">{ "Every model on the same time axis. Hover or focus a bar for its task, state, start and duration. Zoom with + / − (or the keys + − 0 ← → when the chart has focus); ↓ ↑ step through the bars." }</p>
            <div class="toolbar" role="toolbar" aria-label="Timeline zoom and pan">
                <button type="button" class="secondary" data-testid="zoom-in" onclick={zoom(2.0)} aria-label="Zoom in">{ "+" }</button>
                <button type="button" class="secondary" data-testid="zoom-out" onclick={zoom(0.5)} aria-label="Zoom out">{ "−" }</button>
                <button type="button" class="secondary" onclick={pan(-0.25)} aria-label="Pan left">{ "←" }</button>
                <button type="button" class="secondary" onclick={pan(0.25)} aria-label="Pan right">{ "→" }</button>
                <button type="button" class="secondary" data-testid="zoom-reset" onclick={reset}>{ "Whole run" }</button>
                <ChartDownloads testid="timeline" />
                <span class="detail" data-testid="timeline-window">
                    { format!("{} – {}", chart::format_ms(layout.view.start_ms), chart::format_ms(layout.view.end_ms)) }
                </span>
            </div>
            { legend() }
            <div class="chart-scroll">
                <svg viewBox={format!("0 0 {:.0} {:.0}", layout.width, layout.height)} role="img" aria-label={label}
                    aria-describedby="timeline-hint" ref={chart_ref}
                    tabindex="0" onkeydown={on_key} onmouseover={on_over} onfocusin={on_focus}
                    data-testid="timeline-svg">
                    { for layout.ticks.iter().map(|(x, text)| html! {
                        <g>
                            <line class="grid" x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={format!("{:.1}", layout.axis_y)} y2={format!("{:.1}", layout.height)} />
                            <text x={format!("{x:.1}")} y={format!("{:.1}", layout.axis_y - 6.0)} text-anchor="middle" class="muted">{ text }</text>
                        </g>
                    }) }
                    { for layout.groups.iter().map(|g| html! {
                        <text x="4" y={format!("{:.1}", g.y + 14.0)} font-weight="600">{ &g.label }</text>
                    }) }
                    { for layout.rows.iter().map(|row| html! {
                        <g data-testid="lane" data-model={row.model.info().id} data-lane={row.lane.to_string()}>
                            <rect class="lane-bg" x={format!("{:.1}", layout.label_width)} y={format!("{:.1}", row.y)}
                                width={format!("{:.1}", (layout.width - layout.label_width).max(0.0))} height={format!("{:.1}", row.height)} />
                            <text x="12" y={format!("{:.1}", row.y + row.height / 2.0 + 4.0)} class="muted">{ row.lane.to_string() }</text>
                        </g>
                    }) }
                    if show_bars { { bars.clone() } }
                </svg>
            </div>
            <p class="detail" data-testid="timeline-detail" aria-live="polite">
                { (*selected).clone().unwrap_or_else(|| "Hover or focus a bar for details.".into()) }
            </p>
        </section>
    }
}

/// Wall time per model, with the spread of the repeats.
#[function_component(Comparison)]
pub fn comparison(props: &RunProps) -> Html {
    let layout = chart::comparison(&props.results, CHART_WIDTH);
    if layout.bars.is_empty() {
        return html! {};
    }
    html! {
        <section class="view" data-testid="comparison" aria-labelledby="comparison-title">
            <h2 id="comparison-title">{ "Wall time" }</h2>
            <ChartDownloads testid="comparison" />
            <p class="hint">{ "The median of the repeats; the whisker spans the fastest to the slowest (set Repeats above 1). Shorter is better." }</p>
            <div class="chart-scroll">
                <svg viewBox={format!("0 0 {:.0} {:.0}", layout.width, layout.height)} role="img"
                    aria-label="Wall time per model, as horizontal bars">
                    { for layout.ticks.iter().map(|(x, text)| html! {
                        <g>
                            <line class="grid" x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1="0" y2={format!("{:.1}", layout.axis_y)} />
                            <text x={format!("{x:.1}")} y={format!("{:.1}", layout.axis_y + 14.0)} text-anchor="middle" class="muted">{ text }</text>
                        </g>
                    }) }
                    { for layout.bars.iter().map(|b| html! {
                        <g data-testid="comparison-bar" data-model={b.model.info().id}>
                            <text x="4" y={format!("{:.1}", b.y + b.height / 2.0 + 4.0)}>{ &b.label }</text>
                            <rect class={classes!("bar", model_class(b.model))} x={format!("{:.1}", b.x)} y={format!("{:.1}", b.y)}
                                width={format!("{:.1}", b.width)} height={format!("{:.1}", b.height)}>
                                <title>{ format!("{}: {:.1} ms (median)", b.label, b.median_ms) }</title>
                            </rect>
                            if let Some((x1, x2)) = b.whisker {
                                <line class="whisker" x1={format!("{x1:.1}")} x2={format!("{x2:.1}")}
                                    y1={format!("{:.1}", b.y + b.height / 2.0)} y2={format!("{:.1}", b.y + b.height / 2.0)} />
                            }
                            <text x={format!("{:.1}", b.x + b.width + 6.0)} y={format!("{:.1}", b.y + b.height / 2.0 + 4.0)} class="muted">
                                { format!("{:.0} ms", b.median_ms) }
                            </text>
                        </g>
                    }) }
                </svg>
            </div>
            <details>
                <summary>{ "Data table" }</summary>
                <div class="table-scroll">
                    <table class="data-table" data-testid="comparison-table">
                        <thead><tr><th scope="col">{ "Model" }</th><th scope="col">{ "Median" }</th><th scope="col">{ "Min" }</th><th scope="col">{ "Max" }</th><th scope="col">{ "Throughput" }</th></tr></thead>
                        <tbody>
                            { for layout.bars.iter().map(|b| {
                                let throughput = props.results.models.iter().find(|r| r.model == b.model)
                                    .map_or(0.0, |r| r.summary.throughput_per_s);
                                html! {
                                    <tr>
                                        <th scope="row">{ &b.label }</th>
                                        <td class="num">{ format!("{:.1} ms", b.median_ms) }</td>
                                        <td class="num">{ format!("{:.1} ms", b.min_ms) }</td>
                                        <td class="num">{ format!("{:.1} ms", b.max_ms) }</td>
                                        <td class="num">{ format!("{throughput:.1} tasks/s") }</td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

/// A CSS class per model, for series colours.
fn model_class(model: Model) -> String {
    format!("model-{}", model.info().id)
}

/// Speedup against workers for the pooled models (a scaling sweep), with the ideal line and
/// the Amdahl fit.
#[function_component(Scaling)]
pub fn scaling(props: &RunProps) -> Html {
    if props.results.scaling.is_empty() {
        return html! {};
    }
    let layout = chart::scaling(&props.results.scaling, CHART_WIDTH, 320.0);
    let path = |points: &[(f64, f64)]| {
        points
            .iter()
            .enumerate()
            .map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (left, top, right, bottom) = layout.plot;
    html! {
        <section class="view" data-testid="scaling" aria-labelledby="scaling-title">
            <h2 id="scaling-title">{ "Scaling" }</h2>
            <ChartDownloads testid="scaling" />
            <p class="hint">{ "Speedup over one worker as workers are added; dashed grey: perfect scaling; dotted: Amdahl's law fitted to the points (p = the parallel fraction)." }</p>
            <div class="chart-scroll">
                <svg viewBox={format!("0 0 {:.0} {:.0}", layout.width, layout.height)} role="img"
                    aria-label="Speedup against the number of workers for each pooled model">
                    <line class="axis" x1={format!("{left:.1}")} x2={format!("{right:.1}")} y1={format!("{bottom:.1}")} y2={format!("{bottom:.1}")} />
                    <line class="axis" x1={format!("{left:.1}")} x2={format!("{left:.1}")} y1={format!("{top:.1}")} y2={format!("{bottom:.1}")} />
                    { for layout.x_ticks.iter().map(|(x, t)| html! {
                        <text x={format!("{x:.1}")} y={format!("{:.1}", bottom + 15.0)} text-anchor="middle" class="muted">{ t }</text>
                    }) }
                    { for layout.y_ticks.iter().map(|(y, t)| html! {
                        <g>
                            <line class="grid" x1={format!("{left:.1}")} x2={format!("{right:.1}")} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                            <text x={format!("{:.1}", left - 6.0)} y={format!("{:.1}", y + 4.0)} text-anchor="end" class="muted">{ t }</text>
                        </g>
                    }) }
                    <path class="ideal" d={path(&layout.ideal)} />
                    { for layout.series.iter().map(|s| {
                        let points: Vec<(f64, f64)> = s.dots.iter().map(|d| (d.x, d.y)).collect();
                        html! {
                            <g class={model_class(s.model)} data-testid="scaling-series" data-model={s.model.info().id}>
                                <path class="series" d={path(&points)} />
                                if !s.fit_curve.is_empty() {
                                    <path class="fit" d={path(&s.fit_curve)} />
                                }
                                { for s.dots.iter().map(|d| html! {
                                    <circle cx={format!("{:.1}", d.x)} cy={format!("{:.1}", d.y)} r="4">
                                        <title>{ format!("{}: {} workers, {:.2}× ({:.0} ms, efficiency {:.0}%)", s.label, d.workers, d.speedup, d.wall_ms, d.efficiency * 100.0) }</title>
                                    </circle>
                                }) }
                            </g>
                        }
                    }) }
                </svg>
            </div>
            <ul class="legend">
                { for layout.series.iter().map(|s| html! {
                    <li class={model_class(s.model)}>
                        <span class="swatch series-swatch"></span>
                        { &s.label }
                        { s.parallel_fraction.map_or(String::new(), |p| format!(" — Amdahl p = {p:.2}")) }
                    </li>
                }) }
            </ul>
            <details>
                <summary>{ "Data table" }</summary>
                <div class="table-scroll">
                    <table class="data-table" data-testid="scaling-table">
                        <thead><tr><th scope="col">{ "Model" }</th><th scope="col">{ "Workers" }</th><th scope="col">{ "Wall" }</th><th scope="col">{ "Speedup" }</th><th scope="col">{ "Efficiency" }</th></tr></thead>
                        <tbody>
                            { for layout.series.iter().flat_map(|s| s.dots.iter().map(move |d| html! {
                                <tr>
                                    <th scope="row">{ &s.label }</th>
                                    <td class="num">{ d.workers }</td>
                                    <td class="num">{ format!("{:.1} ms", d.wall_ms) }</td>
                                    <td class="num">{ format!("{:.2}×", d.speedup) }</td>
                                    <td class="num">{ format!("{:.0}%", d.efficiency * 100.0) }</td>
                                </tr>
                            })) }
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

/// Per-task latency, sorted, for the model picked — the seed's siege output.
#[function_component(Latency)]
pub fn latency(props: &RunProps) -> Html {
    let ran: Vec<&crate::report::ModelResult> = props
        .results
        .models
        .iter()
        .filter(|r| r.status == Status::Ok && !r.tasks.is_empty())
        .collect();
    let picked = use_state(|| None::<Model>);
    let Some(result) = ran
        .iter()
        .find(|r| Some(r.model) == *picked)
        .or_else(|| ran.first())
    else {
        return html! {};
    };
    let layout = chart::latency(result, CHART_WIDTH, 260.0);
    let (left, _top, right, bottom) = layout.plot;
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            picked.set(Model::from_id(&select.value()));
        })
    };
    html! {
        <section class="view" data-testid="latency" aria-labelledby="latency-title">
            <h2 id="latency-title">{ "Response times" }</h2>
            <ChartDownloads testid="latency" />
            <p class="hint">{ "Every task's wait from submission to result, fastest first — like a load tester's report. A staircase means tasks waited for each other; a flat top means they ran side by side." }</p>
            <label class="toolbar">
                { "Model " }
                <select data-testid="latency-model" onchange={on_pick}>
                    { for ran.iter().map(|r| html! {
                        <option value={r.model.info().id} selected={r.model == result.model}>{ r.model.info().label }</option>
                    }) }
                </select>
            </label>
            <div class="chart-scroll">
                <svg viewBox={format!("0 0 {:.0} {:.0}", layout.width, layout.height)} role="img"
                    aria-label={format!("Latency of each task of {}, sorted", result.model.info().label)}>
                    { for layout.ticks.iter().map(|(y, t)| html! {
                        <g>
                            <line class="grid" x1={format!("{left:.1}")} x2={format!("{right:.1}")} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                            <text x={format!("{:.1}", left - 6.0)} y={format!("{:.1}", y + 4.0)} text-anchor="end" class="muted">{ t }</text>
                        </g>
                    }) }
                    <line class="axis" x1={format!("{left:.1}")} x2={format!("{right:.1}")} y1={format!("{bottom:.1}")} y2={format!("{bottom:.1}")} />
                    // Tooltips while they help; a thousand of them only slow the page down (the
                    // data table has every number).
                    { Html::from_html_unchecked(markup::latency_bars(&layout.bars, layout.bars.len() <= MAX_TOOLTIPS).into()) }
                    { for layout.markers.iter().map(|m| html! {
                        <g>
                            <line class="marker" x1={format!("{left:.1}")} x2={format!("{right:.1}")} y1={format!("{:.1}", m.y)} y2={format!("{:.1}", m.y)} />
                            <text x={format!("{:.1}", right - 4.0)} y={format!("{:.1}", m.y - 3.0)} text-anchor="end">{ format!("{} {:.0} ms", m.label, m.value_ms) }</text>
                        </g>
                    }) }
                </svg>
            </div>
            // One row per task: for a batch of a thousand, built only once opened.
            <LazyDetails summary="Data table">
                <div class="table-scroll">
                    <table class="data-table" data-testid="latency-table">
                        <thead><tr><th scope="col">{ "#" }</th><th scope="col">{ "Task" }</th><th scope="col">{ "Ran on" }</th><th scope="col">{ "Latency" }</th></tr></thead>
                        <tbody>
                            { for layout.rows.iter().map(|row| html! {
                                <tr>
                                    <td class="num">{ row.rank }</td>
                                    <td class="num">{ row.task }</td>
                                    <td>{ row.lane.to_string() }</td>
                                    <td class="num">{ format!("{:.1} ms", row.latency_ms) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </LazyDetails>
        </section>
    }
}

/// Props of [`Decision`].
#[derive(Debug, Properties, PartialEq)]
pub struct HistoryProps {
    /// The session's finished runs.
    pub history: Shared<Vec<Shared<Results>>>,
}

/// The seed's decision table, each row next to what the user's own runs measured for that class
/// of workload (when they have run it).
#[function_component(Decision)]
pub fn decision(props: &HistoryProps) -> Html {
    let rows = decision::decision_table(&props.history);
    html! {
        <section class="view" data-testid="decision" aria-labelledby="decision-title">
            <h2 id="decision-title">{ "Decision table — the articles, and your runs" }</h2>
            <p class="hint">{ "What the seed articles advise for each kind of workload, and which model was fastest (with answers verified) in the runs you made this session." }</p>
            <div class="table-scroll">
                <table class="data-table" data-testid="decision-table">
                    <thead>
                        <tr>
                            <th scope="col">{ "Workload" }</th><th scope="col">{ "The articles say" }</th><th scope="col">{ "Runs" }</th>
                            <th scope="col">{ "Fastest here" }</th><th scope="col">{ "Runner-up" }</th><th scope="col">{ "Agrees?" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for decision::WorkloadClass::ALL.iter().map(|&class| {
                            let row = rows.iter().find(|r| r.class == class);
                            html! {
                                <tr data-class={class.label()} data-measured={row.is_some().to_string()}>
                                    <th scope="row">{ class.label() }</th>
                                    <td>{ class.seed_says() }</td>
                                    if let Some(row) = row {
                                        <td class="num">{ row.runs }</td>
                                        <td>{ format!("{} ({:.0} ms)", row.winner.info().label, row.winner_ms) }</td>
                                        <td>{ match (row.runner_up, row.margin) {
                                            (Some((model, ms)), Some(margin)) => format!("{} ({ms:.0} ms, {margin:.2}× slower)", model.info().label),
                                            _ => "—".to_string(),
                                        } }</td>
                                        <td class={match row.agrees { Some(true) => "agree", Some(false) => "disagree", None => "" }}>
                                            { match (row.agrees, row.parallel_cores) {
                                                (Some(true), _) => "yes".to_string(),
                                                (Some(false), _) => "no — see the explanation under the run".to_string(),
                                                (None, Some(cores)) => format!("can't tell here: the free threads and processes got only {cores:.1} cores' worth of CPU (something else is using the others)"),
                                                (None, None) => "depends on the mix".to_string(),
                                            } }
                                        </td>
                                    } else {
                                        <td class="num">{ 0 }</td>
                                        <td colspan="3" class="muted">{ "not run yet — pick such a workload and Run" }</td>
                                    }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// What each model stands for in Python, as code for the current configuration, and what the
/// run shows.
#[function_component(PythonMapping)]
pub fn python_mapping(props: &RunProps) -> Html {
    let results = &props.results;
    html! {
        <section class="view" data-testid="python" aria-labelledby="python-title">
            <h2 id="python-title">{ "In Python" }</h2>
            { for results.models.iter().map(|r| {
                let id = r.model.info().id;
                html! {
                    <div class="python-model" data-testid={format!("python-{id}")}>
                        <h3>{ r.model.info().label }{ " — " }<code>{ r.model.info().python }</code></h3>
                        <p data-testid={format!("explain-{id}")}>{ python::explain(r, results) }</p>
                        <details>
                            <summary>{ "Python equivalent of this configuration" }</summary>
                            <pre class="snippet"><code>{ python::snippet(r.model, &results.config, results.environment.hardware_concurrency) }</code></pre>
                        </details>
                    </div>
                }
            }) }
        </section>
    }
}
