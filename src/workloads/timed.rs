//! `cpu:n`: compute for `n` ms of the task's *own* running time, on any machine.
//!
//! A step sized in iterations takes 35 ms on one CPU and 400 ms on another (the count loop's
//! speed differs tenfold between machines of the same kind), and even on one machine it runs
//! slower before the engine's optimising tier has compiled it. So a lesson sized "about 250 ms"
//! cannot be a fixed count: [`TimedCpu`] runs the seed's count loop in short verified chunks and
//! stops once the time it spent computing reaches its budget. Its answer is the iterations it
//! did; its oracle is the sum of the chunks it asked for, each checked by the loop's own count.
//!
//! # What counts as running time
//!
//! Only the time *inside* [`TimedCpu::step`] counts: a thread waiting for the GIL, an async task
//! parked between slices, a worker between messages are not computing, and the models call
//! `step` only while they compute. Inside a step one more thing is not computing: the operating
//! system may take the core away (a pool with more threads than cores, a busy machine), or the
//! browser may stop the thread (a collection, DevTools' CPU throttle). A browser has no
//! per-thread CPU clock, so the step watches for it instead. It computes in chunks of about
//! [`CHUNK_MS`] and measures the loop's speed on them: runs of chunks long enough for the clock
//! to time them: the median of the last few, the faster of the first [`MIN_SAMPLES`] — so one
//! interrupted run cannot make the speed wrong, and the speed follows the loop's own changes
//! (the engine's tiers, the host's). A chunk that took [`GAP_FACTOR`] times longer
//! than that speed predicts was interrupted: it counts only what it should have taken, and the
//! rest is reported as `interrupted_ms`. Without that rule four free threads on
//! two cores would each "compute 250 ms" in 250 ms of wall time, doing half the work, and the
//! pool would seem to scale past the cores; with it they take ~500 ms, as four CPython threads
//! do under `time.thread_time()` deadlines (`tools/cpu_time_check.py`).
//!
//! Until the speed is known (the first few chunks, doubling from a few µs of work), chunks are
//! only noted; once it is, they are judged by it too, so an interruption in a step's very first
//! chunk is caught as well. The step cannot end before that — except when the clock is too
//! coarse to time runs of chunks within the step (1 ms ticks, Firefox without cross-origin
//! isolation, and a step of a few ms): after [`BLIND_CHUNKS`] chunks it ends on the clock's time
//! as it is. On such a clock only stops longer than three ticks can be told from its rounding.

use kernels::count_loop::{self, CountLoop};

use crate::core::metrics::Clock;
use crate::core::record::CpuTime;

/// A chunk's longest target duration once the loop's speed is known, ms: long enough that
/// reading the clock (~0.5 µs in a browser) costs ~1%. Short steps use shorter chunks (a
/// fiftieth of the budget), so that one chunk, or one interruption too short to be told from
/// one, is a small part of the step.
pub const CHUNK_MS: f64 = 0.05;

/// How long one [`TimedCpu::step`] computes before it returns, ms: the slice at whose end a
/// GIL holder offers the lock and a cooperative task yields.
pub const SLICE_MS: f64 = 1.0;

/// The first chunk, iterations: a few µs on any machine; chunks double from here until the
/// speed is measured.
const FIRST_CHUNK: u64 = 4096;

/// A chunk that took longer than this many times its predicted duration was interrupted: an OS
/// time slice given away (≥ 0.75 ms) is 15 chunks long, while the loop's own changes of speed
/// stay within this factor (the engine's baseline tier is up to ~6× slower than its optimised
/// code, and early chunks timed in it may be judged by a speed timed after it).
pub const GAP_FACTOR: f64 = 8.0;

/// A run of chunks times the loop's speed once it has lasted this many ticks of the clock (so
/// the tick's rounding is at most an eighth of it).
const SAMPLE_TICKS: f64 = 8.0;

/// The speed is the median of this many last timed runs (the faster of the first two): one
/// interrupted run cannot decide it, nor one unusually fast one, and it follows the loop when
/// the loop itself changes speed. (This machine's count loop swings between ~0.4 and ~2–3 M
/// iterations per ms, from one run to the next and within one: judged by its fastest recent
/// chunk, a pool of two took a third longer than its budget, its slow chunks taken for stops.)
const RECENT: usize = 8;

/// Timed runs of chunks before the speed is trusted: the faster of them is the speed, so one
/// run that was interrupted cannot decide it. (A fresh page's chunk was once stopped for 4 ms
/// just as it became the first timed one.)
pub const MIN_SAMPLES: u32 = 2;

/// Chunks after which a step may end on the clock's raw time when its speed is still unknown
/// and its clock is coarse.
pub const BLIND_CHUNKS: u32 = 8;

/// A clock whose smallest step seen is this long or longer is coarse (Chromium without
/// cross-origin isolation: 100 µs; Firefox: 1 ms), ms. Between the fine steps (5–20 µs) and
/// the coarse ones: read as `timeOrigin + now()` (~1.7·10¹² ms, in steps of 2⁻¹² ms), a 100 µs
/// tick comes out as 0.09985 or 0.10010.
pub const COARSE_MS: f64 = 0.05;

/// The largest chunk before a run of chunks is timed, iterations (≈ 4 µs on a fast machine,
/// 40 µs here, 0.3 ms in a slow baseline tier): so a coarse clock's first sample does not cost
/// a short step several ms, and an early chunk is short enough for a stop in it to stand out
/// (a 1.6 ms stop in a 65536-iteration chunk, under a CPU hog, was once taken for computing).
const MAX_EARLY_CHUNK: u64 = 1 << 14;

/// A count loop that runs until it has computed for its budget (see the module note).
#[derive(Debug, Clone)]
pub struct TimedCpu {
    budget_ms: f64,
    /// Running time counted so far, ms.
    ran_ms: f64,
    /// Interruptions left out of `ran_ms`, ms.
    excluded_ms: f64,
    /// Iterations the chunks asked for (the oracle) and the loop's own count (the answer).
    planned: u64,
    counted: u64,
    /// Chunks done.
    chunks: u32,
    /// The next chunk's size, iterations.
    chunk: u64,
    /// Whether the recent runs' speed is trusted (see [`TimedCpu::speed`]).
    trusted: bool,
    /// The last timed runs' speeds, the speed they give, and how many runs were timed.
    recent: [f64; RECENT],
    recent_speed: f64,
    samples: u32,
    /// The run of chunks being timed: iterations and ms.
    run_iterations: u64,
    run_ms: f64,
    /// The chunks done before the speed was known, `(iterations, ms)`: judged once it is.
    unjudged: Vec<(u64, f64)>,
    /// The smallest step of the clock seen, ms (a coarse clock hides short chunks).
    resolution_ms: f64,
}

impl TimedCpu {
    /// A loop that will compute for `budget_ms`.
    pub fn new(budget_ms: u64) -> TimedCpu {
        TimedCpu {
            budget_ms: budget_ms as f64,
            ran_ms: 0.0,
            excluded_ms: 0.0,
            planned: 0,
            counted: 0,
            chunks: 0,
            chunk: FIRST_CHUNK,
            trusted: false,
            recent: [0.0; RECENT],
            recent_speed: 0.0,
            samples: 0,
            run_iterations: 0,
            run_ms: 0.0,
            unjudged: Vec::new(),
            // Until a finer step is seen, assume Firefox's coarsest (1 ms, pages that are not
            // cross-origin isolated): it only makes the interruption rule more cautious.
            resolution_ms: 1.0,
        }
    }

    /// Computes for about [`SLICE_MS`]; `true` once the budget is spent.
    ///
    /// On a coarse clock the slice ends on the work done, not on the clock: a slice ended at the
    /// first tick would count a whole tick for the part of it spent between two steps (steps
    /// 0.6 ms apart on a 1 ms clock computed 25 ms for a budget of 30). The clock (at four
    /// slices) and a count of iterations end it too, so a step returns — and its caller looks at
    /// the cancel flag — even on a clock that stopped.
    pub fn step(&mut self, clock: &(impl Clock + ?Sized)) -> bool {
        let slice_start = clock.now_ms();
        let mut last = slice_start;
        let (mut slice_iterations, mut slice_chunks) = (0u64, 0u32);
        loop {
            let chunk = self.next_chunk();
            let mut count = CountLoop::new(chunk);
            while !count.step() {}
            self.planned += chunk;
            self.counted += count.answer();
            self.chunks += 1;
            slice_iterations += chunk;
            slice_chunks += 1;
            let now = clock.now_ms();
            self.account(chunk, (now - last).max(0.0));
            last = now;
            if self.is_done() {
                return true;
            }
            // On a fine clock, by the clock. On a coarse one, by the work done: a millisecond's
            // worth at the speed once it is known, a few chunks before (their ticks then fall
            // where they may, and count the time between steps no more than the time in them).
            let slice_over = match self.speed() {
                _ if !self.coarse() => now - slice_start >= SLICE_MS,
                Some(speed) => slice_iterations as f64 >= speed * SLICE_MS,
                None => slice_chunks >= 4,
            };
            if slice_over
                || now - slice_start >= 4.0 * SLICE_MS
                || slice_iterations >= 4 * count_loop::SLICE
            {
                return false;
            }
        }
    }

    /// Whether the budget is spent: counted time reached it, by a known speed (or, on a clock
    /// whose ticks are too coarse to time this step's chunks, after a few chunks of its raw
    /// time). A fine clock always waits for the speed: a chunk count alone would let a run of
    /// tiny chunks, sized by a slow first sample, end a step that an interruption had filled.
    pub fn is_done(&self) -> bool {
        self.ran_ms >= self.budget_ms && (self.trusted || self.blind())
    }

    /// The loop's speed, iterations per ms, once trusted: the recent runs' (see [`RECENT`]),
    /// after [`MIN_SAMPLES`] of them.
    fn speed(&self) -> Option<f64> {
        self.trusted.then_some(self.recent_speed)
    }

    /// Whether the clock is too coarse to time single chunks.
    fn coarse(&self) -> bool {
        self.resolution_ms >= COARSE_MS
    }

    /// Whether the step may go on the clock's raw time: a coarse clock, after a few chunks.
    fn blind(&self) -> bool {
        self.coarse() && self.chunks >= BLIND_CHUNKS
    }

    /// The speed the recent runs give: the faster of the first two, then the median.
    fn reference(&self) -> f64 {
        let n = (self.samples as usize).min(RECENT);
        let mut recent = self.recent[..n].to_vec();
        recent.sort_by(f64::total_cmp);
        match n {
            0 => 0.0,
            1 | 2 => recent[n - 1],
            _ => recent[n / 2],
        }
    }

    /// Counts a chunk of `iterations` that took `dt` ms on the clock.
    fn account(&mut self, iterations: u64, dt: f64) {
        if dt > 0.0 {
            self.resolution_ms = self.resolution_ms.min(dt);
        }
        self.run_iterations += iterations;
        self.run_ms += dt;
        // A run long enough for the clock to time it. On a fine clock the smallest step seen
        // may be a first chunk longer than a tick (82 µs in a slow baseline tier): then a short
        // budget's sixteenth is long enough.
        let mut needed = SAMPLE_TICKS * self.resolution_ms;
        if !self.coarse() {
            needed = needed.min(self.budget_ms / 16.0);
        }
        if self.run_ms >= needed && self.run_ms > 0.0 {
            self.recent[self.samples as usize % RECENT] = self.run_iterations as f64 / self.run_ms;
            self.samples += 1;
            self.recent_speed = self.reference();
            (self.run_iterations, self.run_ms) = (0, 0.0);
        }
        // Trusted after MIN_SAMPLES runs — or one, on a coarse clock after a few chunks.
        if !self.trusted && (self.samples >= MIN_SAMPLES || (self.blind() && self.samples > 0)) {
            self.trusted = true;
            // The chunks before: judge them now, by the speed they helped to find.
            for (iterations, dt) in std::mem::take(&mut self.unjudged) {
                self.ran_ms -= dt;
                self.ran_ms += self.judged(iterations, dt);
            }
        }
        if self.trusted {
            self.ran_ms += self.judged(iterations, dt);
        } else {
            self.unjudged.push((iterations, dt));
            self.ran_ms += dt;
        }
    }

    /// The running time a chunk of `iterations` that took `dt` counts for, at the known speed:
    /// `dt`, or what it should have taken if it was interrupted (the rest is noted).
    fn judged(&mut self, iterations: u64, dt: f64) -> f64 {
        let speed = self.speed().expect("judged by a known speed");
        let predicted = iterations as f64 / speed;
        // Past GAP_FACTOR predictions — or a twentieth of the budget, so that stops too short to
        // stand out cannot add up past a short step's 10% (cpu:1 on a loaded host measured
        // 1.11 ms with 0.16 ms allowed per chunk) — and past what the clock can tell.
        let limit = (GAP_FACTOR * predicted)
            .min(self.budget_ms / 20.0)
            .max(3.0 * self.resolution_ms);
        if dt > limit {
            self.excluded_ms += dt - predicted;
            predicted
        } else {
            dt
        }
    }

    /// The next chunk: a short stretch at the speed, no more than the budget left needs. Before
    /// the speed is trusted, the runs so far size it (a speed too slow — a run that was
    /// interrupted — only makes chunks shorter), never below [`FIRST_CHUNK`] (so that the runs
    /// still time the loop, not the clock) nor bounded by the budget left, whose count may yet
    /// lose an interruption; and before any run is timed, chunks double from [`FIRST_CHUNK`].
    /// (Sized by doubling alone, a step still in the engine's baseline tier, 6× slower,
    /// overshot `cpu:1` by a whole chunk.)
    fn next_chunk(&mut self) -> u64 {
        let target = CHUNK_MS.min(self.budget_ms / 50.0);
        let chunk = match self.speed() {
            Some(speed) => {
                let left = (self.budget_ms - self.ran_ms).max(0.0);
                (speed * target.min(left)).ceil() as u64
            }
            None if self.samples > 0 => ((self.recent_speed * target) as u64).max(FIRST_CHUNK),
            None if self.chunks == 0 => self.chunk,
            None => self.chunk.saturating_mul(2).min(MAX_EARLY_CHUNK),
        };
        // At most a slice of the count loop (≈ 0.3–3 ms), for a clock that cannot time chunks.
        self.chunk = chunk.clamp(1, count_loop::SLICE);
        self.chunk
    }

    /// Iterations done (the answer).
    pub fn answer(&self) -> u64 {
        self.counted
    }

    /// Iterations asked for, chunk by chunk (the oracle the answer must equal).
    pub fn expected(&self) -> u64 {
        self.planned
    }

    /// The budget, the running time counted and the time left out as interruptions.
    pub fn time(&self) -> CpuTime {
        CpuTime {
            requested_ms: self.budget_ms,
            measured_ms: self.ran_ms,
            interrupted_ms: self.excluded_ms,
        }
    }
}

#[cfg(test)]
mod test;
