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

/// Where a task ran: a row of the timeline. In the results document a lane is its name
/// (`main`, `thread 3`, `worker 1 · thread 4`, …), so the schema stays text; everywhere else it
/// is this type, from which the name and the order derive.
///
/// The order is the derived one: the page's thread, the pool's threads, the isolated workers
/// (each followed by its own threads, for the hybrid), the sub-pool's threads, a thread outside
/// any pool, and the GIL lane last, under the threads it arbitrates. Numbers compare as numbers
/// (`thread 2` before `thread 10`, and `worker 2 · …` before `worker 10 · …`, which the names'
/// string order gets wrong).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Lane {
    /// The page's main thread (`main`): the blocking and the async models.
    Main,
    /// Thread `k` of the shared-memory pool (`thread k`).
    Thread(u32),
    /// Isolated worker `worker` (`worker k`), or one of its threads under its own GIL
    /// (`worker k · thread j`, the hybrid's).
    Worker {
        /// The worker's index.
        worker: u32,
        /// The thread's place in the worker's chunk, for the hybrid.
        thread: Option<u32>,
    },
    /// Thread `k` of the second pool that nested sub-tasks go to (`sub-pool thread k`).
    SubPoolThread(u32),
    /// A pool's job run on a thread that is not one of its own (`outside pool`); rayon never
    /// does, but the name is kept rather than a wrong number.
    OutsidePool,
    /// The simulated GIL's holder (`GIL`).
    Gil,
}

impl Lane {
    /// Isolated worker `k`'s lane.
    pub fn worker(k: u32) -> Lane {
        Lane::Worker {
            worker: k,
            thread: None,
        }
    }

    /// The lane that computes for this one: a hybrid's thread runs on its worker's one thread,
    /// so lanes that may compute at the same moment are counted by this.
    pub fn computing_unit(self) -> Lane {
        match self {
            Lane::Worker { worker, .. } => Lane::worker(worker),
            other => other,
        }
    }

    /// Parses a lane's name.
    pub fn parse(name: &str) -> Option<Lane> {
        let number = |s: &str| s.parse::<u32>().ok();
        match name {
            "main" => return Some(Lane::Main),
            "GIL" => return Some(Lane::Gil),
            "outside pool" => return Some(Lane::OutsidePool),
            _ => {}
        }
        if let Some(k) = name.strip_prefix("sub-pool thread ") {
            return number(k).map(Lane::SubPoolThread);
        }
        if let Some(k) = name.strip_prefix("thread ") {
            return number(k).map(Lane::Thread);
        }
        let rest = name.strip_prefix("worker ")?;
        Some(match rest.split_once(" · thread ") {
            Some((k, j)) => Lane::Worker {
                worker: number(k)?,
                thread: Some(number(j)?),
            },
            None => Lane::worker(number(rest)?),
        })
    }
}

impl std::fmt::Display for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lane::Main => f.write_str("main"),
            Lane::Thread(k) => write!(f, "thread {k}"),
            Lane::Worker {
                worker,
                thread: None,
            } => write!(f, "worker {worker}"),
            Lane::Worker {
                worker,
                thread: Some(j),
            } => write!(f, "worker {worker} · thread {j}"),
            Lane::SubPoolThread(k) => write!(f, "sub-pool thread {k}"),
            Lane::OutsidePool => f.write_str("outside pool"),
            Lane::Gil => f.write_str("GIL"),
        }
    }
}

impl From<Lane> for String {
    fn from(lane: Lane) -> String {
        lane.to_string()
    }
}

impl TryFrom<String> for Lane {
    type Error = String;
    fn try_from(name: String) -> Result<Lane, String> {
        Lane::parse(&name).ok_or_else(|| format!("unknown lane `{name}`"))
    }
}

impl std::str::FromStr for Lane {
    type Err = String;
    fn from_str(name: &str) -> Result<Lane, String> {
        Lane::try_from(name.to_string())
    }
}

/// Tests name lanes as the page does, by their text; a name that is no lane fails the test.
#[cfg(test)]
impl From<&str> for Lane {
    fn from(name: &str) -> Lane {
        Lane::parse(name).unwrap_or_else(|| panic!("no lane is named `{name}`"))
    }
}

#[cfg(test)]
impl PartialEq<&str> for Lane {
    fn eq(&self, name: &&str) -> bool {
        Lane::parse(name) == Some(*self)
    }
}

/// Segments that belong to a lane rather than to a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaneRecord {
    /// The lane (`worker 0`, …).
    pub lane: Lane,
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
mod test;
