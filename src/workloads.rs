//! The workloads, in a shape every model can run: CPU kernels and I/O waits.
//!
//! A task runs one or more steps ([`WorkloadSpec`]s) in order and checks each answer against an
//! oracle ([`WorkloadSpec::expected`]). To let the async scheduler interleave tasks on one thread,
//! every CPU kernel is a [`Runner`]: a state machine that does one *slice* of work per
//! [`Runner::step`] (about a millisecond's worth) and can be resumed. The blocking, thread-pool
//! and worker models step to the end ([`run_blocking`], [`run_steps_blocking`]); the async model
//! awaits a yield point between slices ([`run_async`], [`run_steps_async`]). So all four models
//! execute the very same instructions, and only *where* and *when* they run differs. An I/O wait
//! ([`io`]) goes through a seam instead, so each model waits its own real way.

pub mod gate;
pub mod io;
pub mod timed;
// The kernels live in their own crate, compiled for speed while the rest of the page is
// compiled for size (see Cargo.toml).
use std::future::Future;

use io::{AsyncIo, BlockingIo, IoNext};
pub use kernels::{count_loop, data, hash_chain, mandelbrot, primes};
use serde::{Deserialize, Serialize};
pub use timed::TimedCpu;

use crate::core::choice::Choice;
use crate::core::control::RunControl;
use crate::core::error::{Error, Result};
use crate::core::metrics::Clock;
use crate::core::record::Checked;
use crate::core::trace::State;
use crate::workloads::gate::Gate;

/// Which kernel a task runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkloadKind {
    /// The seed's `heavy_func`: `count += 1`, `n` times. Answer: `n`.
    Count,
    /// CPU-bound for `n` ms of the task's own running time: the count loop in verified chunks
    /// until its budget is spent, on any machine ([`timed`]). Answer: the iterations done.
    Cpu,
    /// Count the primes below `n` with a segmented sieve. Answer: π(n) from a table.
    Primes,
    /// Mandelbrot escape counts over an `n × n` grid. Answer: their sum, from a table.
    Mandelbrot,
    /// SHA-256 applied `n` times. Answer: the final digest's first bytes, from a table.
    Hash,
    /// Data-heavy: a payload of `n` KiB and a small summary of it (one byte in 64). Answer: the
    /// summary.
    Data,
    /// I/O-bound: wait `n` ms, the way each model really waits — a timer on the event loop,
    /// `Atomics.wait` in a thread or worker, a busy wait on the main thread (which cannot sleep).
    /// Answer: `n` once the clock confirms the wait.
    Io,
    /// I/O-bound: fetch a same-origin file `n` times — a real request to the server. Answer:
    /// the bytes received, `n ×` the file's length.
    Fetch,
}

impl Choice for WorkloadKind {
    /// Every kind, in the order the page lists them.
    const ALL: &'static [WorkloadKind] = &[
        WorkloadKind::Count,
        WorkloadKind::Cpu,
        WorkloadKind::Primes,
        WorkloadKind::Mandelbrot,
        WorkloadKind::Hash,
        WorkloadKind::Data,
        WorkloadKind::Io,
        WorkloadKind::Fetch,
    ];

    /// The identifier used in URLs and the results JSON.
    fn id(self) -> &'static str {
        match self {
            WorkloadKind::Count => "count",
            WorkloadKind::Cpu => "cpu",
            WorkloadKind::Primes => "primes",
            WorkloadKind::Mandelbrot => "mandelbrot",
            WorkloadKind::Hash => "hash",
            WorkloadKind::Data => "data",
            WorkloadKind::Io => "io",
            WorkloadKind::Fetch => "fetch",
        }
    }

    /// A human label for the picker.
    fn label(self) -> &'static str {
        match self {
            WorkloadKind::Count => "Count loop (the seed's heavy_func)",
            WorkloadKind::Cpu => "CPU-bound: compute for n ms (the count loop, timed)",
            WorkloadKind::Primes => "Count primes below n (segmented sieve)",
            WorkloadKind::Mandelbrot => "Mandelbrot n × n (uneven rows)",
            WorkloadKind::Hash => "SHA-256 hash chain of length n",
            WorkloadKind::Data => "Data-heavy: summarise a payload of n KiB",
            WorkloadKind::Io => "I/O-bound: wait n ms",
            WorkloadKind::Fetch => "I/O-bound: fetch a same-origin file n times",
        }
    }
}

impl WorkloadKind {
    /// The default size: 250 ms of computing for `cpu` (the default experiment), the seed's
    /// 100 000 000 iterations for the count loop; for the others, a size that takes a fraction
    /// of a second on a 2020s core.
    pub fn default_size(self) -> u64 {
        match self {
            WorkloadKind::Count => 100_000_000,
            WorkloadKind::Cpu => 250,
            WorkloadKind::Primes => 100_000_000,
            WorkloadKind::Mandelbrot => 1024,
            WorkloadKind::Hash => 1_000_000,
            WorkloadKind::Data => 16 * 1024,
            WorkloadKind::Io => 200,
            WorkloadKind::Fetch => 20,
        }
    }

    /// The largest size with an oracle (for the table-checked kinds, the table's last entry).
    pub fn max_size(self) -> u64 {
        match self {
            WorkloadKind::Count => count_loop::MAX_N,
            WorkloadKind::Data => data::MAX_KIB,
            WorkloadKind::Io | WorkloadKind::Cpu => io::MAX_MS,
            WorkloadKind::Fetch => io::MAX_FETCHES,
            table => table
                .table_sizes()
                .and_then(|sizes| sizes.last().copied())
                .expect("the other kinds have tables"),
        }
    }

    /// Whether the task waits (I/O-bound) rather than computes.
    pub fn is_io(self) -> bool {
        matches!(self, WorkloadKind::Io | WorkloadKind::Fetch)
    }

    /// The trace state of a task of this kind while it has its thread.
    pub fn busy_state(self) -> State {
        if self.is_io() {
            State::WaitIo
        } else {
            State::Run
        }
    }

    /// The sizes that have an oracle, for the kinds checked against a table.
    pub fn table_sizes(self) -> Option<Vec<u64>> {
        match self {
            WorkloadKind::Count
            | WorkloadKind::Cpu
            | WorkloadKind::Data
            | WorkloadKind::Io
            | WorkloadKind::Fetch => None,
            WorkloadKind::Primes => Some(
                (1..primes::PRIMES_BELOW_POW10.len() as u32)
                    .map(|k| 10u64.pow(k))
                    .collect(),
            ),
            WorkloadKind::Mandelbrot => {
                Some(mandelbrot::CHECKSUMS.iter().map(|&(n, _)| n).collect())
            }
            WorkloadKind::Hash => Some(hash_chain::DIGESTS.iter().map(|&(n, _)| n).collect()),
        }
    }
}

/// One task's work: a kernel and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadSpec {
    /// The kernel.
    pub kind: WorkloadKind,
    /// Its size: iterations for [`WorkloadKind::Count`], the bound for [`WorkloadKind::Primes`].
    pub n: u64,
}

impl WorkloadSpec {
    /// Checks that `n` is in range for the kind and has an oracle.
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] naming `n`, with the allowed range.
    pub fn validate(&self) -> Result<()> {
        let reason = match (self.kind, self.kind.table_sizes()) {
            (WorkloadKind::Count, _) if self.n == 0 => Some("must be at least 1".to_string()),
            (WorkloadKind::Count, _) if self.n > count_loop::MAX_N => Some(format!(
                "at most {} iterations per task (seconds of work on one core)",
                count_loop::MAX_N
            )),
            (WorkloadKind::Io, _) if !(1..=io::MAX_MS).contains(&self.n) => {
                Some(format!("a wait of 1 to {} ms", io::MAX_MS))
            }
            (WorkloadKind::Cpu, _) if !(1..=io::MAX_MS).contains(&self.n) => {
                Some(format!("1 to {} ms of computing", io::MAX_MS))
            }
            (WorkloadKind::Data, _) if !(1..=data::MAX_KIB).contains(&self.n) => {
                Some(format!("a payload of 1 to {} KiB (64 MiB)", data::MAX_KIB))
            }
            (WorkloadKind::Fetch, _) if !(1..=io::MAX_FETCHES).contains(&self.n) => {
                Some(format!("1 to {} requests per task", io::MAX_FETCHES))
            }
            (WorkloadKind::Primes, _) if self.expected().is_none() => Some(format!(
                "must be a power of ten from 10 to 10^{} (the answers are checked against the table of π(10^k))",
                primes::PRIMES_BELOW_POW10.len() - 1
            )),
            (_, Some(sizes)) if self.expected().is_none() => Some(format!(
                "must be one of {} (the answers are checked against a table)",
                sizes
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => None,
        };
        match reason {
            Some(reason) => Err(Error::InvalidSetting { name: "n", reason }),
            None => Ok(()),
        }
    }

    /// Rough cost of one task in count-loop iterations of similar duration, so one cap on
    /// `cost × tasks` bounds every kernel's run time (see `config::MAX_TOTAL_WORK`).
    pub fn cost(&self) -> u64 {
        match self.kind {
            WorkloadKind::Count | WorkloadKind::Primes => self.n,
            // ~2 count iterations per escape iteration; ~300 per SHA-256 of 32 bytes (measured
            // in Chromium on the 2-core reference machine, rounded up).
            WorkloadKind::Mandelbrot => mandelbrot::expected(self.n)
                .unwrap_or(self.n * self.n)
                .saturating_mul(2),
            WorkloadKind::Hash => self.n.saturating_mul(300),
            // About one count iteration per byte, generation and transform together.
            WorkloadKind::Data => self.n.saturating_mul(1024),
            // The blocking model busy-waits: about 3·10^5 count iterations per ms.
            WorkloadKind::Io | WorkloadKind::Cpu => self.n.saturating_mul(NOMINAL_COUNT_PER_MS),
            // A local request takes a few ms; the blocking model waits for each.
            WorkloadKind::Fetch => self.n.saturating_mul(1_500_000),
        }
    }

    /// The known answer, from the oracle beside each kernel; `None` for a `cpu` step, whose
    /// iterations are known only once it has run (its [`TimedCpu`] checks them).
    pub fn expected(&self) -> Option<u64> {
        match self.kind {
            WorkloadKind::Count => Some(self.n),
            WorkloadKind::Cpu => None,
            WorkloadKind::Primes => primes::expected(self.n),
            WorkloadKind::Mandelbrot => mandelbrot::expected(self.n),
            WorkloadKind::Hash => hash_chain::expected(self.n),
            WorkloadKind::Data => (1..=data::MAX_KIB)
                .contains(&self.n)
                .then(|| data::expected(self.n)),
            WorkloadKind::Io => Some(self.n),
            WorkloadKind::Fetch => self.n.checked_mul(io::SAMPLE.len() as u64),
        }
    }

    /// The size of this step's data payload in bytes: a data-heavy step's `n` KiB; `None` for
    /// every other kind, which carries no payload.
    pub fn payload_bytes(&self) -> Option<u64> {
        (self.kind == WorkloadKind::Data).then(|| self.n * 1024)
    }

    /// This step's I/O, started now; `None` for a CPU or data step (see [`WorkloadSpec::runner`]).
    pub fn io_step(&self, clock: &impl Clock) -> Option<io::IoStep> {
        match self.kind {
            WorkloadKind::Io => Some(io::IoStep::wait(self.n, clock)),
            WorkloadKind::Fetch => Some(io::IoStep::fetch(self.n)),
            _ => None,
        }
    }

    /// A fresh runner positioned at the start of this task; `None` for an I/O wait, which
    /// computes nothing.
    pub fn runner(&self) -> Option<Runner> {
        Some(match self.kind {
            WorkloadKind::Count => Runner::Count(count_loop::CountLoop::new(self.n)),
            WorkloadKind::Cpu => Runner::Timed(TimedCpu::new(self.n)),
            WorkloadKind::Primes => Runner::Primes(primes::PrimeCounter::new(self.n)),
            WorkloadKind::Mandelbrot => Runner::Mandelbrot(mandelbrot::Mandelbrot::new(self.n)),
            WorkloadKind::Hash => Runner::Hash(hash_chain::HashChain::new(self.n)),
            WorkloadKind::Data => Runner::Data(data::DataTransform::new(data::payload(self.n))),
            WorkloadKind::Io | WorkloadKind::Fetch => return None,
        })
    }
}

/// Count-loop iterations per ms of a slow 2020s core in wasm: only prices `cpu` and `io` steps
/// in the batch's work cap (`config::MAX_TOTAL_WORK`), which is about time on one core.
pub const NOMINAL_COUNT_PER_MS: u64 = 300_000;

/// A resumable kernel: one [`Runner::step`] does one slice (≈ 1 ms) of work.
#[derive(Debug, Clone)]
pub enum Runner {
    /// See [`count_loop`].
    Count(count_loop::CountLoop),
    /// See [`timed`].
    Timed(TimedCpu),
    /// See [`primes`].
    Primes(primes::PrimeCounter),
    /// See [`mandelbrot`].
    Mandelbrot(mandelbrot::Mandelbrot),
    /// See [`hash_chain`].
    Hash(hash_chain::HashChain),
    /// See [`data`].
    Data(data::DataTransform),
}

impl Runner {
    /// Does one slice. Returns `true` once the task is complete. Only a timed step reads
    /// `clock`: the time inside its calls is its running time.
    pub fn step(&mut self, clock: &(impl Clock + ?Sized)) -> bool {
        match self {
            Runner::Count(r) => r.step(),
            Runner::Timed(r) => r.step(clock),
            Runner::Primes(r) => r.step(),
            Runner::Mandelbrot(r) => r.step(),
            Runner::Hash(r) => r.step(),
            Runner::Data(r) => r.step(),
        }
    }

    /// The answer so far (final once [`Runner::step`] returned `true`).
    pub fn answer(&self) -> u64 {
        match self {
            Runner::Count(r) => r.answer(),
            Runner::Timed(r) => r.answer(),
            Runner::Primes(r) => r.answer(),
            Runner::Mandelbrot(r) => r.answer(),
            Runner::Hash(r) => r.answer(),
            Runner::Data(r) => r.answer(),
        }
    }

    /// The finished step `spec`, checked: against its oracle, or for a timed step against the
    /// iterations its chunks asked for, with the time it asked for and computed.
    pub fn checked(&self, spec: &WorkloadSpec) -> Checked {
        match self {
            Runner::Timed(r) => Checked {
                answer: r.answer(),
                expected: Some(r.expected()),
                ok: r.is_done() && r.answer() == r.expected(),
                cpu: Some(r.time()),
            },
            _ => Checked::of(spec, self.answer()),
        }
    }
}

impl Checked {
    /// `answer` for a step of fixed size, checked against its oracle.
    pub(crate) fn of(spec: &WorkloadSpec, answer: u64) -> Checked {
        let expected = spec.expected();
        Checked {
            answer,
            expected,
            ok: expected == Some(answer),
            cpu: None,
        }
    }

    /// Where a task of `steps` steps starts: nothing computed, and right only if it has steps
    /// (a task with none proved nothing).
    fn start(steps: usize) -> Checked {
        Checked {
            answer: 0,
            expected: Some(0),
            ok: steps > 0,
            cpu: None,
        }
    }

    /// This and the next step's check: the answers add up, and both must be right.
    fn then(self, next: Checked) -> Checked {
        Checked {
            answer: self.answer + next.answer,
            expected: self.expected.zip(next.expected).map(|(a, b)| a + b),
            ok: self.ok && next.ok,
            cpu: match (self.cpu, next.cpu) {
                (Some(a), Some(b)) => Some(a.plus(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

/// Runs a CPU task to the end (host tests and tools; the models use [`run_blocking`]).
///
/// # Panics
/// For an I/O wait, which needs a clock: use [`run_blocking`].
pub fn run_to_end(spec: &WorkloadSpec, clock: &impl Clock) -> Checked {
    let mut runner = spec.runner().expect("run_to_end runs CPU kernels only");
    while !runner.step(clock) {}
    runner.checked(spec)
}

/// Runs a task to the end on a thread that may block (blocking, thread pool and worker models),
/// checking `control` between slices; `None` if it was cancelled.
///
/// `io` is the seam for I/O: in a thread or worker a sleep is `Atomics.wait` (the core is free
/// meanwhile) and a fetch a synchronous request; on the main thread a sleep can only spin. Every
/// slice, wait poll and request ticks `control` and calls `on_slice` (a worker reports its
/// progress to the page through it).
///
/// `gate` is the lock a computing thread must hold (the simulated GIL, or [`crate::workloads::gate::FreeThreading`]):
/// held for a CPU step and offered at every slice boundary, let go for an I/O wait and taken
/// back briefly when it ends (see `src/models/pool/gil/README.md`). `on_segment` receives what the task did, in
/// order: `run`, `wait_gil` and `wait_io` intervals on `clock`.
pub fn run_blocking(
    spec: &WorkloadSpec,
    control: &RunControl,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    gate: &(impl Gate + ?Sized),
    mut on_slice: impl FnMut(),
    on_segment: &mut impl FnMut(State, f64, f64),
) -> Option<Checked> {
    // A task that starts after a cancel (queued behind a deadlock, say) does nothing at all.
    if control.is_cancelled() {
        return None;
    }
    if let Some(mut step) = spec.io_step(clock) {
        let start = clock.now_ms();
        let answer = loop {
            if control.is_cancelled() {
                return None;
            }
            match step.next(clock) {
                IoNext::Sleep(ms) => io.sleep(ms),
                IoNext::Fetch(path) => step.fetched(io.fetch(path)),
                IoNext::Done(answer) => break answer,
            }
            control.tick();
            on_slice();
        };
        on_segment(State::WaitIo, start, clock.now_ms());
        // Back from the wait: take the lock to "return into Python", then let go.
        if let Some((start, end)) = gate.acquire() {
            on_segment(State::WaitGil, start, end);
        }
        gate.release();
        return Some(Checked::of(spec, answer));
    }
    // The lock first: making a payload is Python work too.
    let mut mark = match gate.acquire() {
        Some((start, end)) => {
            on_segment(State::WaitGil, start, end);
            end
        }
        None => clock.now_ms(),
    };
    let mut runner = match spec.kind {
        // The payload comes from wherever this thread gets its data (see `BlockingIo::payload`).
        WorkloadKind::Data => Runner::Data(data::DataTransform::new(io.payload(spec.n))),
        _ => spec.runner().expect("a CPU kernel"),
    };
    let finished = loop {
        if runner.step(clock) {
            break true;
        }
        control.tick();
        on_slice();
        if control.is_cancelled() {
            break false;
        }
        if let Some((start, end)) = gate.checkpoint() {
            on_segment(State::Run, mark, start);
            on_segment(State::WaitGil, start, end);
            mark = end;
        }
    };
    // Read before letting go, so this turn ends before the next holder's begins.
    on_segment(State::Run, mark, clock.now_ms());
    gate.release();
    finished.then(|| runner.checked(spec))
}

/// Runs a task as a coroutine (the async model), checking `control` at every await.
///
/// A CPU kernel computes slice by slice, awaiting `pause()` between slices: in the browser that
/// yields so other tasks and the page run; a ready future (the *naive* mode, or the host) makes
/// it one uninterrupted computation. `on_slice` is called after every slice, so the caller can
/// log the interleaving. I/O awaits `io`: a timer, a `fetch`.
pub async fn run_async<P, F>(
    spec: &WorkloadSpec,
    control: &RunControl,
    clock: &impl Clock,
    mut pause: impl FnMut() -> F,
    io: &impl AsyncIo,
    mut on_slice: P,
) -> Option<Checked>
where
    F: Future<Output = ()>,
    P: FnMut(),
{
    if let Some(mut step) = spec.io_step(clock) {
        loop {
            match step.next(clock) {
                IoNext::Sleep(ms) => io.sleep(ms).await,
                IoNext::Fetch(path) => step.fetched(io.fetch(path).await),
                IoNext::Done(answer) => return Some(Checked::of(spec, answer)),
            }
            control.tick();
            if control.is_cancelled() {
                return None;
            }
        }
    }
    let mut runner = spec.runner().expect("a CPU kernel");
    loop {
        let done = runner.step(clock);
        control.tick();
        on_slice();
        if done {
            break;
        }
        pause().await;
        if control.is_cancelled() {
            return None;
        }
    }
    Some(runner.checked(spec))
}

/// The known answer of a task made of `steps`: the sum of the steps' answers.
pub fn expected_of(steps: &[WorkloadSpec]) -> Option<u64> {
    steps
        .iter()
        .try_fold(0u64, |sum, step| sum.checked_add(step.expected()?))
}

/// Combines the steps' checks: the answers add up, and the task is right only if every step was.
pub(crate) fn combine(checks: &[Checked]) -> Checked {
    checks
        .iter()
        .fold(Checked::start(checks.len()), |all, &c| all.then(c))
}

/// Runs a task's steps in order on a thread that may block (see [`run_blocking`]);
/// `on_segment` receives what it did: `run`, `wait_gil` and `wait_io` intervals on `clock`.
pub fn run_steps_blocking(
    steps: &[WorkloadSpec],
    control: &RunControl,
    clock: &impl Clock,
    io: &mut impl BlockingIo,
    gate: &(impl Gate + ?Sized),
    mut on_slice: impl FnMut(),
    mut on_segment: impl FnMut(State, f64, f64),
) -> Option<Checked> {
    // Folded as they come, not collected: a tiny task's cost is mostly such bookkeeping.
    let mut all = Checked::start(steps.len());
    for step in steps {
        all = all.then(run_blocking(
            step,
            control,
            clock,
            io,
            gate,
            &mut on_slice,
            &mut on_segment,
        )?);
    }
    Some(all)
}

/// Runs a task's steps in order as a coroutine (see [`run_async`]).
pub async fn run_steps_async<P, F>(
    steps: &[WorkloadSpec],
    control: &RunControl,
    clock: &impl Clock,
    mut pause: impl FnMut() -> F,
    io: &impl AsyncIo,
    mut on_slice: P,
) -> Option<Checked>
where
    F: Future<Output = ()>,
    P: FnMut(),
{
    let mut all = Checked::start(steps.len());
    for step in steps {
        all = all.then(run_async(step, control, clock, &mut pause, io, &mut on_slice).await?);
    }
    Some(all)
}

#[cfg(test)]
mod test;
