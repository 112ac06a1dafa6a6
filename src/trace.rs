//! The trace: what every task and lane was doing, when, on one clock.
//!
//! Every model records the same shapes, so one timeline can draw them side by side: a task has
//! an enqueue time and a list of [`Segment`]s, each in one [`State`]; a lane (the main thread, a
//! pool thread, a worker) can carry segments of its own that belong to no task, such as a
//! worker's start-up. Times are milliseconds since the model's run began; all lanes are put on
//! one clock by `performance.timeOrigin + performance.now()` (workers have their own origin).

use serde::{Deserialize, Serialize};

/// What a task or lane was doing during a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Computing.
    Run,
    /// Runnable, waiting for its thread (the event loop, a pool thread, a free worker).
    Ready,
    /// Waiting for I/O (a timer, a fetch).
    WaitIo,
    /// A worker starting: fetch, compile and instantiate its wasm, then the handshake.
    Startup,
    /// Encoding a message (the pickling analogue).
    Serialize,
    /// A message in flight between the page and a worker.
    Transfer,
    /// Decoding a message.
    Deserialize,
    /// A lane with nothing to do.
    Idle,
}

/// One interval in one state, in ms since the model's run began.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// The state.
    pub state: State,
    /// Start, ms.
    pub start_ms: f64,
    /// End, ms.
    pub end_ms: f64,
}

impl Segment {
    /// A segment; a negative length (clock skew between lanes of a few µs) is clamped to zero.
    pub fn new(state: State, start_ms: f64, end_ms: f64) -> Segment {
        Segment {
            state,
            start_ms,
            end_ms: end_ms.max(start_ms),
        }
    }

    /// Its length, ms.
    pub fn duration_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }
}

/// Segments that belong to a lane rather than to a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaneRecord {
    /// The lane (`worker 0`, …).
    pub lane: String,
    /// Its own segments, e.g. [`State::Startup`].
    pub segments: Vec<Segment>,
}

/// Total time spent in `state` across `segments`.
pub fn time_in(segments: &[Segment], state: State) -> f64 {
    segments
        .iter()
        .filter(|s| s.state == state)
        .map(Segment::duration_ms)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_clamp_skew_and_sum_by_state() {
        let s = [
            Segment::new(State::Ready, 0.0, 1.0),
            Segment::new(State::Run, 1.0, 3.5),
            Segment::new(State::Ready, 3.5, 4.0),
            Segment::new(State::Run, 4.0, 3.99),
        ];
        assert_eq!(s[3].duration_ms(), 0.0);
        assert_eq!(time_in(&s, State::Run), 2.5);
        assert_eq!(time_in(&s, State::Ready), 1.5);
        assert_eq!(time_in(&s, State::Idle), 0.0);
    }

    #[test]
    fn states_serialise_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&State::WaitIo).unwrap(),
            "\"wait_io\""
        );
    }
}
