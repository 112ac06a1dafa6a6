//! Every setting that is one of a few named values: the enums that implement [`Choice`] (an
//! identifier in URLs and the results, a label for the page), the models among them. They sit below the models so that a run's settings can name them; what each model
//! *means* is said in [`crate::models`].

use serde::{Deserialize, Serialize};

use crate::core::choice::Choice;

/// A way of running a batch of tasks in the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// Every task runs to the end on the UI thread, one after another. The page freezes: that is
    /// the lesson. Python: a blocking Tornado handler, plain sequential code.
    Blocking,
    /// Tasks are futures on the browser's event loop — one thread — that yield between slices of
    /// CPU work, so they interleave and the page keeps painting. Python: `asyncio.gather`.
    Async,
    /// The thread pool below, with a simulated GIL: a task holds one global lock while it
    /// computes, handed over every switch interval and let go around I/O. Python:
    /// `ThreadPoolExecutor` on CPython as usually built.
    PoolGil,
    /// A pool of Web Workers sharing one wasm memory (wasm-bindgen-rayon over SharedArrayBuffer);
    /// the UI thread submits and awaits. No lock: Python's `ThreadPoolExecutor` on free-threaded
    /// CPython (3.13t, PEP 703).
    Pool,
    /// Dedicated Web Workers, each with its own wasm instance and memory, reached only by
    /// messages. Python: `ProcessPoolExecutor`.
    Processes,
    /// The isolated workers above, each running its share of the tasks at once as threads under
    /// its own GIL (`crate::models::processes::hybrid`). Python: seed 002's last siege — several Tornado processes
    /// (`server.start(P)`), each handing its requests to a thread pool.
    Hybrid,
}

impl Model {
    /// The models a run compares unless told otherwise: one per Python tool. The hybrid is
    /// opt-in (the tornado-siege preset runs it).
    pub const DEFAULT: [Model; 5] = [
        Model::Blocking,
        Model::Async,
        Model::PoolGil,
        Model::Pool,
        Model::Processes,
    ];
}

impl Model {
    /// Whether the model has a worker count (pool threads or isolated workers), so a scaling
    /// sweep varies it.
    pub fn has_workers(self) -> bool {
        matches!(
            self,
            Model::PoolGil | Model::Pool | Model::Processes | Model::Hybrid
        )
    }

    /// Whether the model runs on isolated workers (message passing, start methods).
    pub fn is_isolated(self) -> bool {
        matches!(self, Model::Processes | Model::Hybrid)
    }

    /// Whether the model runs on the shared-memory thread pool.
    pub fn is_pool(self) -> bool {
        matches!(self, Model::PoolGil | Model::Pool)
    }
}

/// How the async scheduler runs CPU work (seed article 001's warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AsyncMode {
    /// Yield to the event loop after every slice: tasks interleave and the page stays live.
    #[default]
    Cooperative,
    /// Compute without yielding, as a plain `async def` with a CPU loop does: the task holds
    /// the event loop until it finishes, and every other task (and the page) waits.
    Naive,
}

impl Choice for AsyncMode {
    const ALL: &'static [Self] = &[AsyncMode::Cooperative, AsyncMode::Naive];
    fn id(self) -> &'static str {
        match self {
            AsyncMode::Cooperative => "cooperative",
            AsyncMode::Naive => "naive",
        }
    }
    fn label(self) -> &'static str {
        match self {
            AsyncMode::Cooperative => "cooperative (await every slice)",
            AsyncMode::Naive => "naive (no await: blocks the loop)",
        }
    }
}

/// How an isolated worker gets a data-heavy task's payload (seed article 000's IPC lesson).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadMode {
    /// Serialised and posted as a copy: pickling (the codec per payload shape:
    /// [`crate::models::processes::protocol::copy_way`]).
    #[default]
    Copy,
    /// Moved: the buffer is transferred (zero-copy) and the sender's copy is detached.
    Transfer,
    /// Written once into memory the worker reads in place: `multiprocessing.shared_memory`
    /// (needs SharedArrayBuffer, so a cross-origin isolated page).
    Shared,
}

/// How the isolated workers start (browsers cannot fork; each is labelled for what it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartMethod {
    /// Every worker fetches, compiles and instantiates the module: Python's `spawn`.
    #[default]
    Spawn,
    /// The page compiles the module once and posts the compiled module to each new worker,
    /// which only instantiates it: like `forkserver`, a prepared parent hands out children.
    Forkserver,
    /// Workers started by an earlier run are reused: a long-lived pool, no start-up at all.
    Warm,
}

impl Choice for PayloadMode {
    const ALL: &'static [Self] = &[
        PayloadMode::Copy,
        PayloadMode::Transfer,
        PayloadMode::Shared,
    ];
    fn id(self) -> &'static str {
        match self {
            PayloadMode::Copy => "copy",
            PayloadMode::Transfer => "transfer",
            PayloadMode::Shared => "shared",
        }
    }
    fn label(self) -> &'static str {
        match self {
            PayloadMode::Copy => "copy: serialise (pickle) and post a copy",
            PayloadMode::Transfer => "transfer: move the buffer (zero-copy)",
            PayloadMode::Shared => "shared memory (multiprocessing.shared_memory)",
        }
    }
}

impl Choice for StartMethod {
    const ALL: &'static [Self] = &[
        StartMethod::Spawn,
        StartMethod::Forkserver,
        StartMethod::Warm,
    ];
    fn id(self) -> &'static str {
        match self {
            StartMethod::Spawn => "spawn",
            StartMethod::Forkserver => "forkserver",
            StartMethod::Warm => "warm",
        }
    }
    fn label(self) -> &'static str {
        match self {
            StartMethod::Spawn => "spawn: each worker fetches, compiles, instantiates",
            StartMethod::Forkserver => "forkserver-like: compile once, workers instantiate",
            StartMethod::Warm => "warm pool: reuse workers from the last run",
        }
    }
}

impl StartMethod {
    /// What CPython's nearest start method costs per worker (2-core Linux box, seed 000's
    /// figures), to show beside ours.
    pub fn python_figure(self) -> &'static str {
        match self {
            StartMethod::Spawn => "Python spawn ≈ 170–220 ms per process",
            StartMethod::Forkserver => {
                "Python forkserver ≈ 100–150 ms per process (fork ≈ 5–9 ms, which browsers cannot do)"
            }
            StartMethod::Warm => "Python: a pool kept alive between batches starts nothing",
        }
    }
}

/// Whether the thread pool's tasks submit a sub-task and wait for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nesting {
    /// Tasks do their own work.
    #[default]
    Off,
    /// Each task submits its work as a sub-task to the same pool and blocks on the result:
    /// deadlocks once the workers are no more than the parents.
    SamePool,
    /// Each task submits its work to a second pool of the same size and blocks on the result:
    /// completes.
    SeparatePool,
}

impl Choice for Nesting {
    const ALL: &'static [Self] = &[Nesting::Off, Nesting::SamePool, Nesting::SeparatePool];
    fn id(self) -> &'static str {
        match self {
            Nesting::Off => "off",
            Nesting::SamePool => "same",
            Nesting::SeparatePool => "separate",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Nesting::Off => "off: tasks do their own work",
            Nesting::SamePool => "submit to the same pool and wait (deadlocks)",
            Nesting::SeparatePool => "submit to a separate pool and wait",
        }
    }
}
