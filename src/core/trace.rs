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
    /// Runnable on its own thread but waiting for the simulated GIL (thread pool with the GIL).
    WaitGil,
    /// Holding its thread while it waits for another task's result (`future.result()`).
    Blocked,
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

impl State {
    /// Every state, in declaration order.
    pub const ALL: [State; 10] = [
        State::Run,
        State::Ready,
        State::WaitIo,
        State::WaitGil,
        State::Blocked,
        State::Startup,
        State::Serialize,
        State::Transfer,
        State::Deserialize,
        State::Idle,
    ];

    /// The state's name in the results document (`run`, `wait_gil`, …), without a serialiser:
    /// the timeline writes one per bar.
    pub fn id(self) -> &'static str {
        match self {
            State::Run => "run",
            State::Ready => "ready",
            State::WaitIo => "wait_io",
            State::WaitGil => "wait_gil",
            State::Blocked => "blocked",
            State::Startup => "startup",
            State::Serialize => "serialize",
            State::Transfer => "transfer",
            State::Deserialize => "deserialize",
            State::Idle => "idle",
        }
    }
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

/// Drops empty segments and joins touching neighbours in the same state, so a task that never
/// gave up its thread shows one `run`, not hundreds of slices with zero-length gaps. Segments
/// with time between them stay apart: the gap is information (e.g. nobody held the GIL).
pub fn compact(segments: impl IntoIterator<Item = Segment>) -> Vec<Segment> {
    compact_vec(segments.into_iter().collect())
}

/// [`compact`] in the vector's own buffer (a task's record is made with one allocation less).
pub fn compact_vec(mut segments: Vec<Segment>) -> Vec<Segment> {
    let mut kept = 0usize;
    for i in 0..segments.len() {
        let segment = segments[i];
        // Empty (or NaN) segments go.
        if segment.duration_ms().partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            continue;
        }
        match kept.checked_sub(1).map(|last| &mut segments[last]) {
            Some(last) if last.state == segment.state && segment.start_ms <= last.end_ms => {
                last.end_ms = last.end_ms.max(segment.end_ms);
            }
            _ => {
                segments[kept] = segment;
                kept += 1;
            }
        }
    }
    segments.truncate(kept);
    segments
}

/// Makes consecutive segments start no earlier than the previous one ended. Legs timed on two
/// clocks (the page's and a worker's) can disagree by a fraction of a millisecond, as their
/// `timeOrigin`s do; this keeps such a sequence in order without inventing time.
pub fn monotone(segments: Vec<Segment>) -> Vec<Segment> {
    let mut floor = f64::NEG_INFINITY;
    segments
        .into_iter()
        .map(|s| {
            let start_ms = s.start_ms.max(floor);
            let fixed = Segment::new(s.state, start_ms, s.end_ms);
            floor = fixed.end_ms;
            fixed
        })
        .collect()
}

/// The gaps in `[0, until_ms]` that none of the `busy` segments covers, as `idle` segments.
pub fn idle_gaps(busy: &[Segment], until_ms: f64) -> Vec<Segment> {
    let mut spans: Vec<(f64, f64)> = busy.iter().map(|s| (s.start_ms, s.end_ms)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut idle = Vec::new();
    let mut covered = 0.0f64;
    for (start, end) in spans {
        if start > covered {
            idle.push(Segment::new(State::Idle, covered, start));
        }
        covered = covered.max(end);
    }
    if until_ms > covered {
        idle.push(Segment::new(State::Idle, covered, until_ms));
    }
    idle
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
    fn every_state_is_named_as_the_results_document_names_it() {
        for (i, state) in State::ALL.into_iter().enumerate() {
            assert_eq!(
                serde_json::to_string(&state).unwrap(),
                format!("\"{}\"", state.id())
            );
            assert!(
                !State::ALL[..i].contains(&state),
                "{state:?} is listed twice"
            );
        }
    }

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
    fn compact_joins_what_never_really_split() {
        let s = [
            Segment::new(State::Ready, 0.0, 0.0),
            Segment::new(State::Run, 0.0, 1.0),
            Segment::new(State::Ready, 1.0, 1.0),
            Segment::new(State::Run, 1.0, 2.0),
            Segment::new(State::Ready, 2.0, 3.0),
            Segment::new(State::Run, 3.0, 4.0),
        ];
        assert_eq!(
            compact(s),
            [
                Segment::new(State::Run, 0.0, 2.0),
                Segment::new(State::Ready, 2.0, 3.0),
                Segment::new(State::Run, 3.0, 4.0),
            ]
        );
    }

    #[test]
    fn monotone_orders_legs_timed_on_two_clocks() {
        let legs = vec![
            Segment::new(State::Serialize, 10.0, 11.0),
            Segment::new(State::Transfer, 11.0, 10.6),
            Segment::new(State::Deserialize, 10.6, 10.9),
            Segment::new(State::Run, 10.9, 20.0),
        ];
        let fixed = monotone(legs);
        assert_eq!(fixed[1], Segment::new(State::Transfer, 11.0, 11.0));
        assert_eq!(fixed[2], Segment::new(State::Deserialize, 11.0, 11.0));
        assert_eq!(fixed[3], Segment::new(State::Run, 11.0, 20.0));
        assert!(fixed.windows(2).all(|w| w[0].end_ms <= w[1].start_ms));
    }

    #[test]
    fn idle_is_what_no_busy_segment_covers() {
        let busy = [
            Segment::new(State::Run, 2.0, 4.0),
            Segment::new(State::Run, 3.0, 5.0),
            Segment::new(State::Startup, 0.0, 1.0),
        ];
        assert_eq!(
            idle_gaps(&busy, 8.0),
            [
                Segment::new(State::Idle, 1.0, 2.0),
                Segment::new(State::Idle, 5.0, 8.0)
            ]
        );
        assert_eq!(idle_gaps(&[], 3.0), [Segment::new(State::Idle, 0.0, 3.0)]);
    }

    #[test]
    fn states_serialise_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&State::WaitIo).unwrap(),
            "\"wait_io\""
        );
    }
}
