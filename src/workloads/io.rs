//! I/O-bound tasks: wait `n` ms, or fetch a same-origin file `n` times.
//!
//! Interesting because waiting needs no core: the async scheduler and threads can overlap many
//! waits (the seed's `asyncio.gather` of 2, 3 and 1 s sleeps takes 3 s, not 6), while the main
//! thread — which the browser does not let sleep — can only spin, freezing the page. The wait is
//! polled in short pieces so a cancel is seen promptly, and the answer is confirmed by the
//! clock: `n` once at least `n` ms have passed. [`IoStep`] is that logic once, for the three
//! drivers (a blocking thread, a coroutine, the hybrid worker's simulated threads).

use std::future::Future;

use crate::core::metrics::Clock;

/// Longest wait a task may ask for, ms.
pub const MAX_MS: u64 = 10_000;

/// Longest single sleep between checks of the cancel flag, ms.
pub const POLL_MS: f64 = 50.0;

/// A wait of a fixed length that started at a known time.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    ms: u64,
    start: f64,
}

impl Deadline {
    /// Starts waiting `ms` now.
    pub fn start(ms: u64, clock: &impl Clock) -> Deadline {
        Deadline {
            ms,
            start: clock.now_ms(),
        }
    }

    /// Time still to wait, or `None` once the wait is over.
    pub fn remaining(&self, clock: &impl Clock) -> Option<f64> {
        let left = self.start + self.ms as f64 - clock.now_ms();
        (left > 0.0).then_some(left)
    }

    /// The answer: the requested `ms` if the clock shows at least that much has passed, else
    /// the whole milliseconds that did (a wait that returned early is caught as a wrong answer).
    pub fn confirmed(&self, clock: &impl Clock) -> u64 {
        let waited = clock.now_ms() - self.start;
        if waited >= self.ms as f64 {
            self.ms
        } else {
            waited.max(0.0) as u64
        }
    }
}

/// An I/O step under way, whatever drives it: a blocking thread, a coroutine, or a hybrid
/// worker's scheduler of simulated threads. The step only says what it needs next; the driver
/// does it (sleeps its own way, fetches through its own seam) and asks again, so the wait's
/// polling, the request count and the answer are decided in one place.
#[derive(Debug, Clone, Copy)]
pub enum IoStep {
    /// An `io` step: wait until the deadline.
    Wait(Deadline),
    /// A `fetch` step.
    Fetch {
        /// Requests still to make.
        left: u64,
        /// Bytes brought back so far.
        bytes: u64,
    },
}

/// What an [`IoStep`] needs next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IoNext {
    /// Sleep up to this many ms (never more than [`POLL_MS`], so a cancel is seen), then ask again.
    Sleep(f64),
    /// Request this path and hand the outcome to [`IoStep::fetched`].
    Fetch(&'static str),
    /// The step is over: its answer, for `Checked::of`.
    Done(u64),
}

impl IoStep {
    /// A wait of `ms` that starts now.
    pub fn wait(ms: u64, clock: &impl Clock) -> IoStep {
        IoStep::Wait(Deadline::start(ms, clock))
    }

    /// `n` requests, none made yet.
    pub fn fetch(n: u64) -> IoStep {
        IoStep::Fetch { left: n, bytes: 0 }
    }

    /// What to do next.
    pub fn next(&self, clock: &impl Clock) -> IoNext {
        match *self {
            IoStep::Wait(deadline) => match deadline.remaining(clock) {
                Some(ms) => IoNext::Sleep(ms.min(POLL_MS)),
                None => IoNext::Done(deadline.confirmed(clock)),
            },
            IoStep::Fetch { left: 0, bytes } => IoNext::Done(bytes),
            IoStep::Fetch { .. } => IoNext::Fetch(SAMPLE_PATH),
        }
    }

    /// Takes a request's outcome. A failed request ends the step with the byte count short:
    /// the oracle reports it as a wrong answer, which is how the user learns of it.
    pub fn fetched(&mut self, got: Result<u64, String>) {
        if let IoStep::Fetch { left, bytes } = self {
            match got {
                Ok(got) => {
                    *left -= 1;
                    *bytes += got;
                }
                Err(_) => *left = 0,
            }
        }
    }
}

/// The same-origin file the fetch workload requests, relative to the page.
pub const SAMPLE_PATH: &str = "io/sample.txt";

/// Its content, compiled in: the oracle for how many bytes a fetch must bring back.
pub const SAMPLE: &[u8] = include_bytes!("../../www/io/sample.txt");

/// Most requests one fetch task may make.
pub const MAX_FETCHES: u64 = 200;

/// How a thread that may block does I/O: the seam between the workloads and the browser.
pub trait BlockingIo {
    /// Blocks this thread for `ms` (a thread or worker: `Atomics.wait`; the main thread: spin).
    fn sleep(&mut self, ms: f64);
    /// Fetches a same-origin `path` and returns the body's length in bytes (a synchronous
    /// request: the thread waits, as `requests.get` does in a Python thread).
    ///
    /// # Errors
    /// The request failed; the message says why.
    fn fetch(&mut self, path: &str) -> Result<u64, String>;
    /// The payload of a data-heavy step of `kib` KiB. By default it is made right here, in this
    /// thread's memory; an isolated worker returns the copy it received with the request.
    fn payload(&mut self, kib: u64) -> Vec<u8> {
        kernels::data::payload(kib)
    }
}

/// How a coroutine does I/O: it awaits, leaving the thread to the other tasks.
pub trait AsyncIo {
    /// Resolves after `ms`.
    fn sleep(&self, ms: f64) -> impl Future<Output = ()>;
    /// Fetches a same-origin `path` and resolves to the body's length in bytes.
    fn fetch(&self, path: &str) -> impl Future<Output = Result<u64, String>>;
}

/// I/O for host tests and the worker protocol's tests: real sleeps, and a "fetch" that returns
/// the sample's length (or fails, to test that path).
#[derive(Debug, Clone, Copy, Default)]
pub struct HostIo {
    /// Make every fetch fail.
    pub fail_fetches: bool,
}

impl BlockingIo for HostIo {
    fn sleep(&mut self, ms: f64) {
        std::thread::sleep(std::time::Duration::from_secs_f64(ms.max(0.0) / 1e3));
    }

    fn fetch(&mut self, path: &str) -> Result<u64, String> {
        match (self.fail_fetches, path) {
            (false, SAMPLE_PATH) => Ok(SAMPLE.len() as u64),
            _ => Err(format!("no such file on the host: {path}")),
        }
    }
}

impl AsyncIo for HostIo {
    fn sleep(&self, ms: f64) -> impl Future<Output = ()> {
        let mut io = *self;
        BlockingIo::sleep(&mut io, ms);
        std::future::ready(())
    }

    fn fetch(&self, path: &str) -> impl Future<Output = Result<u64, String>> {
        let mut io = *self;
        std::future::ready(BlockingIo::fetch(&mut io, path))
    }
}

#[cfg(test)]
mod test;
