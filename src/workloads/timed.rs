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
//! system may take the core away (a pool with more threads than cores, a busy machine). A
//! browser has no per-thread CPU clock, so the step watches for it instead: a chunk is sized to
//! take about [`CHUNK_MS`], and a chunk that took far longer than the speed measured so far
//! predicts (see [`TimedCpu::account`]) was interrupted — it counts only what it should have
//! taken. Without that rule four free threads on two cores would each "compute 250 ms" in
//! 250 ms of wall time, doing half the work, and the pool would seem to scale past the cores;
//! with it they take ~500 ms, as four CPython threads doing fixed work do.

use super::count_loop::{self, CountLoop};
use crate::metrics::Clock;

/// A chunk's target duration once the loop's speed is known, ms: short enough that a step
/// overshoots its budget by a few percent at most even for `cpu:1`, long enough that reading the
/// clock (~0.5 µs in a browser) costs ~1%.
pub const CHUNK_MS: f64 = 0.05;

/// How long one [`TimedCpu::step`] computes before it returns, ms: the slice at whose end a
/// GIL holder offers the lock and a cooperative task yields.
pub const SLICE_MS: f64 = 1.0;

/// The first chunk, iterations: a few µs on any machine; chunks double from here until the
/// speed is measured.
const FIRST_CHUNK: u64 = 4096;

/// A chunk that took longer than this many times its predicted duration was interrupted.
const GAP_FACTOR: f64 = 4.0;

/// …and longer than this, ms (an OS time slice is ≥ 0.75 ms; shorter stalls are noise).
const GAP_MIN_MS: f64 = 0.25;

/// Counted time after which the measured speed is trusted for predictions, ms (in ticks of the
/// clock, at least this many).
const TRUSTED_TICKS: f64 = 4.0;

/// Time asked for and time computed, ms: what a task record shows for its `cpu` steps.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct CpuTime {
    /// The budget the steps asked for.
    pub requested_ms: f64,
    /// The running time they counted (see the module note).
    pub measured_ms: f64,
    /// Time inside the steps that was not counted: chunks interrupted (the OS gave the core to
    /// another thread, the browser stopped the thread), ms. The trace's `run` bars include it.
    #[serde(default)]
    pub interrupted_ms: f64,
}

impl CpuTime {
    /// Both steps' times together.
    pub fn plus(self, other: CpuTime) -> CpuTime {
        CpuTime {
            requested_ms: self.requested_ms + other.requested_ms,
            measured_ms: self.measured_ms + other.measured_ms,
            interrupted_ms: self.interrupted_ms + other.interrupted_ms,
        }
    }
}

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
    /// The next chunk's size, iterations.
    chunk: u64,
    /// The smallest step of the clock seen, ms (a coarse clock hides short chunks).
    resolution_ms: f64,
    /// The largest chunk, iterations (a slice of the count loop; smaller in tests whose fake
    /// clocks do not slow down as chunks grow).
    max_chunk: u64,
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
            chunk: FIRST_CHUNK,
            // Until a finer step is seen, assume Firefox's coarsest (1 ms, pages that are not
            // cross-origin isolated): it only makes the interruption rule more cautious.
            resolution_ms: 1.0,
            max_chunk: count_loop::SLICE,
        }
    }

    /// Computes for up to [`SLICE_MS`]; `true` once the budget is spent.
    pub fn step(&mut self, clock: &(impl Clock + ?Sized)) -> bool {
        let slice_start = clock.now_ms();
        let mut last = slice_start;
        loop {
            let chunk = self.next_chunk();
            let mut count = CountLoop::new(chunk);
            while !count.step() {}
            self.planned += chunk;
            self.counted += count.answer();
            let now = clock.now_ms();
            self.account(chunk, (now - last).max(0.0));
            last = now;
            if self.is_done() {
                return true;
            }
            if now - slice_start >= SLICE_MS {
                return false;
            }
        }
    }

    /// Whether the budget is spent.
    pub fn is_done(&self) -> bool {
        self.ran_ms >= self.budget_ms
    }

    /// Iterations per ms measured so far, once enough time has been counted to trust it.
    fn speed(&self) -> Option<f64> {
        let trusted = self.ran_ms >= (TRUSTED_TICKS * self.resolution_ms).max(GAP_MIN_MS);
        trusted.then(|| self.planned as f64 / self.ran_ms)
    }

    /// Counts a chunk of `iterations` that took `dt` ms on the clock.
    ///
    /// A chunk far slower than the speed so far predicts — [`GAP_FACTOR`] times, and longer than
    /// [`GAP_MIN_MS`] and two ticks of the clock — lost the core meanwhile: it counts as the
    /// predicted time. The speed so far lags behind a speed-up (the engine's optimising tier
    /// arriving mid-task), which only makes the prediction longer and the rule more cautious.
    fn account(&mut self, iterations: u64, dt: f64) {
        if dt > 0.0 {
            self.resolution_ms = self.resolution_ms.min(dt);
        }
        let counted = match self.speed() {
            Some(speed) => {
                let predicted = iterations as f64 / speed;
                let limit = (GAP_FACTOR * predicted)
                    .max(GAP_MIN_MS)
                    .max(2.0 * self.resolution_ms);
                if dt > limit {
                    self.excluded_ms += dt - predicted;
                    predicted
                } else {
                    dt
                }
            }
            None => dt,
        };
        self.ran_ms += counted;
    }

    /// The next chunk: [`CHUNK_MS`] at the speed measured so far, and no more than the budget
    /// left needs; doubling from [`FIRST_CHUNK`] until the speed is known.
    fn next_chunk(&mut self) -> u64 {
        let chunk = match self.speed() {
            Some(speed) => {
                let left = (self.budget_ms - self.ran_ms).max(0.0);
                (speed * CHUNK_MS.min(left)).ceil() as u64
            }
            None => self.chunk.saturating_mul(2),
        };
        self.chunk = chunk.clamp(1, self.max_chunk);
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

    /// The budget and the running time counted.
    pub fn time(&self) -> CpuTime {
        CpuTime {
            requested_ms: self.budget_ms,
            measured_ms: self.ran_ms,
            interrupted_ms: self.excluded_ms,
        }
    }

    /// Time left out as interruptions, ms.
    pub fn excluded_ms(&self) -> f64 {
        self.excluded_ms
    }
}

/// What a `cpu` experiment's milliseconds are on this machine, for the page (which measured the
/// loop at `count_per_ms`): `" — here cpu:250 ≈ 75 M iterations of heavy_func (machines
/// differ tenfold)"`. Empty when the run has no `cpu` steps. The figure is the page thread's.
pub fn work_here(count_per_ms: u64, config: &crate::config::RunConfig) -> String {
    let ms: Vec<u64> = config
        .step_groups()
        .iter()
        .flatten()
        .filter(|s| s.kind == super::WorkloadKind::Cpu)
        .map(|s| s.n)
        .collect();
    let Some(&ms) = ms.iter().max() else {
        return String::new();
    };
    let iterations = count_per_ms.saturating_mul(ms) as f64;
    let amount = if iterations >= 1e6 {
        format!("{:.0} M", iterations / 1e6)
    } else {
        format!("{:.0} k", iterations / 1e3)
    };
    format!(" — here cpu:{ms} ≈ {amount} iterations of heavy_func (machines differ tenfold)")
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A clock that advances by a fixed step at every reading, and by `jump` once at reading
    /// `jump_at`: a machine of known speed, interrupted once.
    struct Stepped {
        now: Cell<f64>,
        reads: Cell<u32>,
        step_ms: f64,
        jump_at: u32,
        jump_ms: f64,
    }

    impl Stepped {
        fn new(step_ms: f64) -> Stepped {
            Stepped {
                now: Cell::new(0.0),
                reads: Cell::new(0),
                step_ms,
                jump_at: u32::MAX,
                jump_ms: 0.0,
            }
        }
    }

    impl Clock for Stepped {
        fn now_ms(&self) -> f64 {
            let reads = self.reads.get() + 1;
            self.reads.set(reads);
            let jump = if reads == self.jump_at {
                self.jump_ms
            } else {
                0.0
            };
            self.now.set(self.now.get() + self.step_ms + jump);
            self.now.get()
        }
    }

    /// A loop for a fake clock: chunks of at most 256 iterations, since the clock's time does
    /// not grow with them.
    fn small(budget_ms: u64) -> TimedCpu {
        TimedCpu {
            max_chunk: 256,
            ..TimedCpu::new(budget_ms)
        }
    }

    fn run(cpu: &mut TimedCpu, clock: &impl Clock) -> u32 {
        let mut slices = 1;
        while !cpu.step(clock) {
            slices += 1;
        }
        slices
    }

    #[test]
    fn stops_at_its_budget_and_its_answer_is_verified() {
        for budget in [1, 7, 250] {
            let mut cpu = small(budget);
            run(&mut cpu, &Stepped::new(0.005));
            let CpuTime {
                requested_ms,
                measured_ms,
                ..
            } = cpu.time();
            assert_eq!(requested_ms, budget as f64);
            assert!(
                measured_ms >= requested_ms && measured_ms <= requested_ms * 1.1,
                "{measured_ms} for {budget}"
            );
            assert!(cpu.answer() > 0);
            assert_eq!(cpu.answer(), cpu.expected());
        }
    }

    #[test]
    fn a_real_clock_gives_the_budget_on_this_machine() {
        let clock = crate::metrics::SystemClock;
        let mut cpu = TimedCpu::new(20);
        let start = clock.now_ms();
        run(&mut cpu, &clock);
        let wall = clock.now_ms() - start;
        assert_eq!(cpu.answer(), cpu.expected());
        let measured = cpu.time().measured_ms;
        assert!((20.0..22.0).contains(&measured), "{measured}");
        // The wall time is what was counted and what was left out as interruptions.
        let unaccounted = wall - measured - cpu.excluded_ms();
        assert!((0.0..1.0).contains(&unaccounted), "{wall} {measured}");
    }

    #[test]
    fn slices_return_about_every_millisecond() {
        let mut cpu = small(50);
        let slices = run(&mut cpu, &Stepped::new(0.01));
        assert!((45..=55).contains(&slices), "{slices} slices for 50 ms");
    }

    #[test]
    fn an_interruption_is_not_running_time() {
        // 3 ms lost at the 200th reading: the step computes its 20 ms anyway.
        let clock = Stepped {
            jump_at: 200,
            jump_ms: 3.0,
            ..Stepped::new(0.01)
        };
        let mut cpu = small(20);
        run(&mut cpu, &clock);
        assert!(
            (2.9..3.01).contains(&cpu.excluded_ms()),
            "{}",
            cpu.excluded_ms()
        );
        let measured = cpu.time().measured_ms;
        assert!((20.0..22.0).contains(&measured), "{measured}");
        assert!(clock.now.get() >= 23.0);
    }

    #[test]
    fn the_page_says_what_the_milliseconds_are_here() {
        let config = crate::config::RunConfig::default();
        assert_eq!(
            work_here(300_000, &config),
            " — here cpu:250 ≈ 75 M iterations of heavy_func (machines differ tenfold)"
        );
        let fixed = crate::config::RunConfig {
            workload: super::super::WorkloadKind::Count,
            n: 1_000,
            ..config
        };
        assert_eq!(work_here(300_000, &fixed), "");
    }

    #[test]
    fn a_coarse_clock_still_ends_near_the_budget() {
        // Firefox without isolation: 1 ms ticks. Nothing is taken for an interruption.
        struct Coarse(Cell<f64>);
        impl Clock for Coarse {
            fn now_ms(&self) -> f64 {
                self.0.set(self.0.get() + 0.004);
                self.0.get().floor()
            }
        }
        let mut cpu = small(30);
        run(&mut cpu, &Coarse(Cell::new(0.0)));
        assert_eq!(cpu.excluded_ms(), 0.0);
        let measured = cpu.time().measured_ms;
        assert!((30.0..=31.0).contains(&measured), "{measured}");
    }
}
