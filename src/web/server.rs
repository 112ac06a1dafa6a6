//! Server mode's event loop in the page (the pure part and the lesson: `models::server`): it
//! answers the index request on the page's thread while the model's executor runs the handlers.

use crate::config::RunConfig;
use crate::core::control::RunControl;
use crate::core::metrics::Clock;
use crate::core::trace::Segment;
use crate::models::pool::gil::Gil;
use crate::models::server::{self, INDEX_AFTER_MS, IndexRecord, IndexRequest, Next};
use crate::web::clock::{self, PerformanceClock};

/// [`serve_index`] if `config` is a server-mode run; `None` otherwise.
pub async fn serve_if_server(
    config: &RunConfig,
    t0: f64,
    handed_ms: f64,
    gil: Option<&Gil>,
    loop_thread: u32,
    control: &RunControl,
    started: impl Fn() -> bool,
) -> Option<(IndexRecord, Vec<Segment>)> {
    match config.server {
        true => Some(serve_index(t0, handed_ms, gil, loop_thread, control, started).await),
        false => None,
    }
}

/// Serves the index request on this thread — the page's,
/// standing for Tornado's IOLoop. With `gil` the loop is thread `loop_thread` of the simulated
/// GIL and takes it for every step; since this thread may not wait on a lock, it looks at the
/// lock at every turn it gets (a macrotask apart, tens of µs) until the lock is its own. Returns
/// the record and the loop's lane, times relative to `t0` (the batch's start).
///
/// The request arrives once the handlers are under way: [`INDEX_AFTER_MS`] after they were
/// handed to the executor at `handed_ms`, and not before `started` says they compute (a pool's
/// threads may take tens of ms to pick up their first job).
pub async fn serve_index(
    t0: f64,
    handed_ms: f64,
    gil: Option<&Gil>,
    loop_thread: u32,
    control: &RunControl,
    started: impl Fn() -> bool,
) -> (IndexRecord, Vec<Segment>) {
    let clock = PerformanceClock;
    // A blocking server comes here after its backlog: the request arrived long before.
    let mut arrived = handed_ms + INDEX_AFTER_MS;
    let early = arrived - clock.now_ms();
    if early > 0.0 {
        clock::sleep_ms(early.ceil() as i32).await;
        // It arrives when the loop's timer fires: a timer that fires late was held up by the
        // page's own work on this thread (painting, under a CPU throttle), which Tornado's loop
        // does not have — not by the model.
        arrived = clock.now_ms();
    }
    while !started() && !control.is_cancelled() {
        clock::sleep_ms(1).await;
        arrived = clock.now_ms();
    }
    let mut request = IndexRequest::new(loop_thread, arrived);
    loop {
        let now = clock.now_ms();
        if control.is_cancelled() {
            // Let go of the lock, or leave its queue, before the threads stop: one that is
            // handed the lock by a loop that left would wait for ever.
            while let Some(gil) = gil
                && gil
                    .try_with(|rules| request.abandon(Some(rules), now))
                    .is_none()
            {
                clock::yield_now().await;
            }
            request.abandon(None, now);
            return request.finish(t0);
        }
        let next = match gil {
            Some(gil) => gil
                .try_with(|rules| request.visit(Some(rules), now))
                .unwrap_or(Next::Again),
            None => request.visit(None, now),
        };
        match next {
            Next::Compute(ms) => {
                server::work(ms, &clock);
                request.computed();
            }
            Next::Syscall => {}
            Next::Again => clock::yield_now().await,
            Next::Done => return request.finish(t0),
        }
    }
}
