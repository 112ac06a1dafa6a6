//! The responsiveness meter: a spinner and a frame counter advanced by `requestAnimationFrame`,
//! and the longest gap between two frames since the current run started. They visibly stop
//! whenever the UI thread is blocked and keep moving while the other models run — the live
//! counterpart of the heartbeat recorded in each model's results.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::metrics::{Clock, LONG_TASK_MS};
use crate::web::clock::PerformanceClock;

/// A `requestAnimationFrame` callback that re-arms itself.
type FrameCallback = Closure<dyn FnMut()>;

/// Props of [`Ticker`].
#[derive(Debug, Properties, PartialEq)]
pub struct TickerProps {
    /// A run is in progress: the gap statistics restart when it begins.
    pub running: bool,
}

/// What the meter has seen since the run began.
#[derive(Debug, Default)]
struct Gaps {
    last_ms: Cell<Option<f64>>,
    longest_ms: Cell<f64>,
    late: Cell<u32>,
}

/// Least time between two turns of the spinner, ms (10 a second). It is a layer of its own
/// (`will-change: transform` in the stylesheet): turning it is compositing, not painting.
const TURN_EVERY_MS: f64 = 100.0;

/// Least time between two updates of the meter's text, ms (4 a second): text is laid out,
/// painted and rasterised, in software on a machine without a GPU.
const TEXT_EVERY_MS: f64 = 250.0;

/// The meter.
#[function_component(Ticker)]
pub fn ticker(props: &TickerProps) -> Html {
    let counter = use_node_ref();
    let spinner = use_node_ref();
    let longest = use_node_ref();
    let gaps = use_memo((), |()| Gaps::default());
    {
        // A new run: forget the gaps seen before it.
        let gaps = gaps.clone();
        use_effect_with(props.running, move |running| {
            if *running {
                gaps.longest_ms.set(0.0);
                gaps.late.set(0);
                gaps.last_ms.set(None);
            }
        });
    }
    {
        let (counter, spinner, longest, gaps) = (
            counter.clone(),
            spinner.clone(),
            longest.clone(),
            gaps.clone(),
        );
        use_effect_with((), move |()| {
            let Some(window) = web_sys::window() else {
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            };
            // The frame callback re-arms itself; it holds its own Closure through this cell.
            let frame: Rc<RefCell<Option<FrameCallback>>> = Rc::default();
            let handle = Rc::new(RefCell::new(0));
            let mut count: u64 = 0;
            let (mut turned_ms, mut written_ms) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
            let (me, h, w) = (frame.clone(), handle.clone(), window.clone());
            *frame.borrow_mut() = Some(Closure::new(move || {
                count += 1;
                let now = PerformanceClock.now_ms();
                if let Some(last) = gaps.last_ms.replace(Some(now)) {
                    let gap = now - last;
                    if gap > gaps.longest_ms.get() {
                        gaps.longest_ms.set(gap);
                    }
                    if gap > LONG_TASK_MS {
                        gaps.late.set(gaps.late.get() + 1);
                    }
                }
                // Every frame is counted and timed, but shown less often: on a 2-core machine
                // without a GPU a repaint every frame took a good part of a core from the very
                // threads being measured (docs/BENCHMARKS.md, B2).
                if now - turned_ms >= TURN_EVERY_MS {
                    turned_ms = now;
                    if let Some(el) = spinner.cast::<web_sys::Element>() {
                        // One turn a second, whatever the frame rate.
                        let degrees = (now * 0.36).rem_euclid(360.0).round();
                        let _ =
                            el.set_attribute("style", &format!("transform: rotate({degrees}deg)"));
                    }
                }
                if now - written_ms >= TEXT_EVERY_MS {
                    written_ms = now;
                    if let Some(el) = counter.get() {
                        el.set_text_content(Some(&format!("{count}")));
                    }
                    let text =
                        format!("{:.0} ms ({} late)", gaps.longest_ms.get(), gaps.late.get());
                    if let Some(el) = longest.get()
                        && el.text_content().as_deref() != Some(text.as_str())
                    {
                        el.set_text_content(Some(&text));
                    }
                }
                if let Some(cb) = me.borrow().as_ref() {
                    *h.borrow_mut() = w
                        .request_animation_frame(cb.as_ref().unchecked_ref())
                        .unwrap_or(0);
                }
            }));
            if let Some(cb) = frame.borrow().as_ref() {
                *handle.borrow_mut() = window
                    .request_animation_frame(cb.as_ref().unchecked_ref())
                    .unwrap_or(0);
            }
            Box::new(move || {
                let _ = window.cancel_animation_frame(*handle.borrow());
                // Break the cycle closure → cell → closure.
                frame.borrow_mut().take();
            }) as Box<dyn FnOnce()>
        });
    }
    html! {
        <span class="ticker" role="group" aria-label="Responsiveness meter"
            title="Painted by requestAnimationFrame: the spinner and counter freeze while the UI thread is blocked">
            <span class="spinner" aria-hidden="true" ref={spinner}></span>
            { "frames: " }<strong data-testid="ticker" ref={counter}>{ "0" }</strong>
            { " · longest frame gap this run: " }
            <strong data-testid="meter-longest" ref={longest}>{ "0 ms (0 late)" }</strong>
        </span>
    }
}
