//! The responsiveness meter: while a run is in progress, a spinner and a frame counter painted
//! ten times a second by `requestAnimationFrame`, and the longest delay of such a frame since
//! the run started. They visibly stop whenever the UI thread is blocked and keep moving while
//! the other models run — the live counterpart of the heartbeat recorded in each model's
//! results.
//!
//! Why not a frame every vsync: on this project's 2-core test machine (no GPU), a page that
//! merely asks for every frame took 6% off two workers' speed-up — the frames are produced by
//! the same cores the models are measured on (docs/BENCHMARKS.md, B2). Ten frames a second
//! still show a freeze at once, and ask for a sixth of the frames.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::abortable;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::core::metrics::{Clock, LONG_TASK_MS};
use crate::web::clock::{self, PerformanceClock};

/// Props of [`Ticker`].
#[derive(Debug, Properties, PartialEq)]
pub struct TickerProps {
    /// A run is in progress: the meter moves, its figures counted from the run's start.
    pub running: bool,
}

/// Time from one meter frame to the timer that asks for the next, ms: ten frames a second. The
/// spinner is a layer of its own (`will-change: transform` in the stylesheet): turning it is
/// compositing, not painting.
const FRAME_EVERY_MS: f64 = 100.0;

/// Least time between two updates of the meter's text, ms (4 a second): text is laid out,
/// painted and rasterised, in software on a machine without a GPU.
const TEXT_EVERY_MS: f64 = 250.0;

/// The meter.
#[function_component(Ticker)]
pub fn ticker(props: &TickerProps) -> Html {
    let view = MeterView {
        spinner: use_node_ref(),
        counter: use_node_ref(),
        longest: use_node_ref(),
    };
    {
        let view = view.clone();
        // The frame loop runs only while a run does, and starts afresh with each: between runs
        // the meter has nothing new to show, and a loop asking for every frame kept an idle page
        // busy (13% of a core here, taken from the next run's threads: docs/BENCHMARKS.md, B2).
        // It stops showing the run's last figures.
        use_effect_with(props.running, move |&running| {
            let frames = running.then(|| {
                let meter = Rc::new(RefCell::new(Meter::new(view)));
                let (frames, stop) = abortable(frame_loop(meter.clone()));
                spawn_local(async move {
                    // `Err(Aborted)` is how the loop is meant to end.
                    let _ = frames.await;
                });
                (stop, meter)
            });
            move || {
                if let Some((stop, meter)) = frames {
                    stop.abort();
                    // The text is shown 4 times a second: show the run's final figures.
                    meter.borrow().write();
                }
            }
        });
    }
    html! {
        <span class="ticker" role="group" aria-label="Responsiveness meter"
            title="While a run is in progress, painted ten times a second by requestAnimationFrame: the spinner and counter freeze while the UI thread is blocked, and a frame's delay is how much later than due it was painted">
            <span class="spinner" aria-hidden="true" ref={view.spinner}></span>
            { "frames: " }<strong data-testid="ticker" ref={view.counter}>{ "0" }</strong>
            { " · longest frame delay this run: " }
            <strong data-testid="meter-longest" ref={view.longest}>{ "0 ms (0 late)" }</strong>
        </span>
    }
}

/// The meter's elements.
#[derive(Debug, Clone)]
struct MeterView {
    spinner: NodeRef,
    counter: NodeRef,
    longest: NodeRef,
}

/// What the meter has seen since the run began.
#[derive(Debug)]
struct Meter {
    view: MeterView,
    frames: u64,
    /// The longest delay of a frame: from when its timer was due to when it was painted.
    longest_ms: f64,
    /// Delays longer than [`LONG_TASK_MS`]: moments a user would feel as jank.
    late: u32,
    written_ms: f64,
}

impl Meter {
    fn new(view: MeterView) -> Meter {
        Meter {
            view,
            frames: 0,
            longest_ms: 0.0,
            late: 0,
            written_ms: f64::NEG_INFINITY,
        }
    }

    /// Counts a frame painted at `now`, due at `due` (the timer's time plus at most one vsync,
    /// when nothing holds the UI thread).
    fn frame(&mut self, now: f64, due: f64) {
        self.frames += 1;
        let delay = (now - due).max(0.0);
        self.longest_ms = self.longest_ms.max(delay);
        if delay > LONG_TASK_MS {
            self.late += 1;
        }
        if let Some(el) = self.view.spinner.cast::<web_sys::Element>() {
            // One turn a second, whatever the frame rate.
            let degrees = (now * 0.36).rem_euclid(360.0).round();
            // Our own element and a valid name: this does not fail.
            let _ = el.set_attribute("style", &format!("transform: rotate({degrees}deg)"));
        }
        if now - self.written_ms >= TEXT_EVERY_MS {
            self.written_ms = now;
            self.write();
        }
    }

    /// Shows the figures.
    fn write(&self) {
        if let Some(el) = self.view.counter.get() {
            el.set_text_content(Some(&self.frames.to_string()));
        }
        let text = format!("{:.0} ms ({} late)", self.longest_ms, self.late);
        if let Some(el) = self.view.longest.get()
            && el.text_content().as_deref() != Some(text.as_str())
        {
            el.set_text_content(Some(&text));
        }
    }
}

/// Paints the meter ten times a second until aborted: a frame, then a timer that asks for the
/// next frame, and so on.
async fn frame_loop(meter: Rc<RefCell<Meter>>) {
    // The first frame at once: the run has just begun.
    let mut due_ms = PerformanceClock.now_ms();
    loop {
        clock::animation_frame().await;
        meter.borrow_mut().frame(PerformanceClock.now_ms(), due_ms);
        due_ms = PerformanceClock.now_ms() + FRAME_EVERY_MS;
        clock::sleep_ms(FRAME_EVERY_MS as i32).await;
    }
}
