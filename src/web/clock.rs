//! The browser clock, the UI heartbeat, and a yield to the event loop.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageChannel, Performance};

use crate::core::metrics::{Clock, Heartbeat};

/// `performance.timeOrigin + performance.now()`: one clock for the page, the pool threads and the
/// workers (each has its own `timeOrigin`, so bare `now()` values would not line up).
#[derive(Debug, Clone, Copy, Default)]
pub struct PerformanceClock;

thread_local! {
    /// This context's `performance` and its `timeOrigin` (fixed for the context's life: read
    /// once, so a reading is one call into JS, not two — the async model reads the clock a few
    /// times per task, docs/BENCHMARKS.md B5).
    static PERFORMANCE: (Performance, f64) = {
        let performance: Performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .expect_throw("this context has no `performance`")
            .unchecked_into();
        let origin = performance.time_origin();
        (performance, origin)
    };
}

impl Clock for PerformanceClock {
    fn now_ms(&self) -> f64 {
        PERFORMANCE.with(|(performance, origin)| origin + performance.now())
    }
}

/// Ticks a timer on the UI thread and records when each tick ran. A blocked UI thread cannot
/// tick, so the gaps show how long the page was frozen.
#[derive(Debug)]
pub struct HeartbeatRecorder {
    beats: Rc<RefCell<Vec<f64>>>,
    handle: i32,
    _tick: Closure<dyn FnMut()>,
}

/// Heartbeat period: a fifth of the 50 ms a user starts to feel, so any such freeze shows. Each
/// beat wakes the UI thread, which takes a core from the models being measured: at 5 ms the
/// beats cost two workers 2% of their speed-up on a 2-core machine (docs/BENCHMARKS.md, B2).
const BEAT_MS: i32 = 10;

impl HeartbeatRecorder {
    /// Starts ticking.
    pub fn start() -> HeartbeatRecorder {
        let beats = Rc::new(RefCell::new(Vec::new()));
        let sink = beats.clone();
        let tick =
            Closure::<dyn FnMut()>::new(move || sink.borrow_mut().push(PerformanceClock.now_ms()));
        let handle = web_sys::window()
            .expect_throw("the heartbeat runs on the page")
            .set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                BEAT_MS,
            )
            .expect_throw("setInterval");
        HeartbeatRecorder {
            beats,
            handle,
            _tick: tick,
        }
    }

    /// Summarises the beats between `start` and `end` (ms on [`PerformanceClock`]).
    pub fn summary(&self, start: f64, end: f64) -> Heartbeat {
        Heartbeat::from_beats(&self.beats.borrow(), start, end)
    }
}

impl Drop for HeartbeatRecorder {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_interval_with_handle(self.handle);
        }
    }
}

thread_local! {
    /// One MessageChannel for every yield: `port1` resolves the oldest waiting promise per message.
    static YIELDER: Yielder = Yielder::new();
}

struct Yielder {
    channel: MessageChannel,
    waiting: Rc<RefCell<VecDeque<Function>>>,
    _on_message: Closure<dyn FnMut()>,
}

impl Yielder {
    fn new() -> Yielder {
        let channel = MessageChannel::new().expect_throw("MessageChannel");
        let waiting: Rc<RefCell<VecDeque<Function>>> = Rc::default();
        let queue = waiting.clone();
        let on_message = Closure::<dyn FnMut()>::new(move || {
            if let Some(resolve) = queue.borrow_mut().pop_front() {
                // A promise's resolve function does not throw.
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Yielder {
            channel,
            waiting,
            _on_message: on_message,
        }
    }
}

/// Gives the event loop a turn: resolves in a new macrotask, after input, timers and rendering
/// that were already due.
///
/// Measured in this threaded build, the wake-up after its message may come in the same task as
/// the work before it (see `ui::views::Later`), so two pieces of work that must not share one
/// task (each tens of ms) are separated by [`sleep_ms`]`(0)` instead.
///
/// Why a MessageChannel and not `setTimeout(0)`: browsers clamp nested timeouts to ≥ 4 ms, which
/// would make a 1 ms slice cost 5 ms. A posted message is a macrotask with no clamp.
pub async fn yield_now() {
    let promise = YIELDER.with(|y| {
        let promise =
            Promise::new(&mut |resolve, _reject| y.waiting.borrow_mut().push_back(resolve));
        y.channel
            .port2()
            .post_message(&JsValue::NULL)
            .expect_throw("postMessage");
        promise
    });
    // These promises only ever resolve: there is no error to read.
    let _ = JsFuture::from(promise).await;
}

/// Resolves after `ms` milliseconds (a `setTimeout`).
pub async fn sleep_ms(ms: i32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        // `setTimeout` is on Window and WorkerGlobalScope alike; look it up on whichever we are.
        let global = js_sys::global();
        if let Ok(set_timeout) = js_sys::Reflect::get(&global, &"setTimeout".into()) {
            let set_timeout: Function = set_timeout.unchecked_into();
            if set_timeout
                .call2(&global, &resolve, &JsValue::from(ms))
                .is_ok()
            {
                return;
            }
        }
        // No timer here: resolve at once rather than never (the caller only wanted a turn).
        let _ = resolve.call0(&JsValue::UNDEFINED);
    });
    // These promises only ever resolve: there is no error to read.
    let _ = JsFuture::from(promise).await;
}

/// Waits until what the UI just rendered has reached the screen (two animation frames), so the
/// caller can block the thread with the "running" state visible. A hidden tab gets no frames,
/// so this gives up after 100 ms rather than wait for the tab to come back.
pub async fn next_paint() {
    let frames = async {
        animation_frame().await;
        animation_frame().await;
    };
    futures::future::select(Box::pin(frames), Box::pin(sleep_ms(100))).await;
}

/// Resolves at the next animation frame (`requestAnimationFrame`): never, in a hidden tab or
/// outside a window.
pub async fn animation_frame() {
    let promise = Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            // Refused only outside a rendering window, where "never" is the documented answer.
            let _ = window.request_animation_frame(&resolve);
        }
    });
    // These promises only ever resolve: there is no error to read.
    let _ = JsFuture::from(promise).await;
}
