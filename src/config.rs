//! One run's settings, their limits and validation.
//!
//! A run is a batch of `tasks` identical tasks (like the seed's 10 concurrent requests), each
//! computing one [`WorkloadSpec`], under each selected [`Model`].

use serde::{Deserialize, Serialize};

use crate::core::choice::Choice;
use crate::core::error::{Error, Result};
use crate::workloads::{self, WorkloadKind, WorkloadSpec};

pub mod knobs;
pub mod plan;
pub use knobs::{AsyncMode, Model, Nesting, PayloadMode, StartMethod};

/// Most tasks in one batch.
pub const MAX_TASKS: u32 = 1024;
/// CPython's default switch interval, `sys.getswitchinterval()` = 0.005 s.
pub const DEFAULT_SWITCH_MS: u32 = 5;
/// The longest switch interval the page accepts.
pub const MAX_SWITCH_MS: u32 = 1_000;

/// Most workers (pool threads or isolated workers) for one run: Python's cap for
/// `ThreadPoolExecutor`'s default, and more threads than cores is allowed, as there.
pub const MAX_WORKERS: u32 = 32;

/// `ThreadPoolExecutor`'s default `max_workers` on a machine with `cores` logical cores
/// (Python 3.8+): `min(32, cores + 4)`.
pub fn python_default_workers(cores: u32) -> u32 {
    (cores + 4).min(32)
}
/// Cap on a batch's estimated work, `WorkloadSpec::cost() × tasks` (count-loop iterations):
/// the blocking model runs all of it on the UI thread, and we never freeze the tab for more
/// than about ten seconds.
pub const MAX_TOTAL_WORK: u64 = 4_000_000_000;

/// The name [`RunConfig::validate`] gives the limit on a batch's total work.
pub const TOTAL_WORK: &str = "n × tasks";

/// Most payload bytes in one message to an isolated worker.
pub const MAX_MESSAGE_PAYLOAD_BYTES: u64 = 256 << 20;

/// Most tasks per message to an isolated worker.
pub const MAX_CHUNKSIZE: u32 = MAX_TASKS;

/// The settings of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunConfig {
    /// The kernel every task runs.
    pub workload: WorkloadKind,
    /// The size of each task (see [`WorkloadSpec::n`]).
    pub n: u64,
    /// How many tasks in the batch.
    pub tasks: u32,
    /// Pool threads / isolated workers; `None` = automatic (see [`RunConfig::workers_for`]).
    pub workers: Option<u32>,
    /// The models to run, in page order.
    pub models: Vec<Model>,
    /// How the async scheduler runs CPU work.
    #[serde(default)]
    pub async_mode: AsyncMode,
    /// A custom profile: each task's steps (CPU kernels and I/O waits, in order). One entry: every
    /// task runs it; several: task `i` runs entry `i`, and `tasks` equals their number. `None`:
    /// every task runs `workload` of size `n`.
    #[serde(default)]
    pub steps: Option<Vec<Vec<WorkloadSpec>>>,
    /// The watchdog stops a model that makes no progress (no slice, no wait poll, no worker
    /// tick) for this many seconds.
    #[serde(default = "default_stall_s")]
    pub stall_s: u32,
    /// The simulated GIL's switch interval, ms (`sys.setswitchinterval`).
    #[serde(default = "default_switch_ms")]
    pub switch_ms: u32,
    /// Isolated workers: tasks per message, `ProcessPoolExecutor.map(..., chunksize=k)`.
    #[serde(default = "default_chunksize")]
    pub chunksize: u32,
    /// Isolated workers: how data payloads travel.
    #[serde(default)]
    pub payload: PayloadMode,
    /// Isolated workers: how they start.
    #[serde(default)]
    pub start: StartMethod,
    /// Thread pool: whether each task submits its work as a sub-task and blocks on it.
    #[serde(default)]
    pub nested: Nesting,
    /// Measured runs of each model (their spread is shown); 1–[`MAX_REPEATS`].
    #[serde(default = "default_repeats")]
    pub repeats: u32,
    /// Run each model once more first, unmeasured (warm caches, compiled code, started pools).
    #[serde(default)]
    pub warmup: bool,
    /// A scaling sweep: run the pooled models (`pool_gil`, `pool`, `processes`) at 1, 2, …
    /// workers up to the run's worker count, for the scaling chart.
    #[serde(default)]
    pub sweep: bool,
    /// Server mode: the tasks are requests whose handlers the event loop (the page's thread)
    /// hands to the model's executor, and the loop itself answers an index request sent during
    /// the load (`crate::models::server`).
    #[serde(default)]
    pub server: bool,
}

/// Most measured repeats per model.
pub const MAX_REPEATS: u32 = 10;

fn default_repeats() -> u32 {
    1
}

fn default_chunksize() -> u32 {
    1
}

fn default_switch_ms() -> u32 {
    crate::config::DEFAULT_SWITCH_MS
}

/// Most steps in a custom profile, over all tasks.
pub const MAX_STEPS: usize = 256;

/// Default for [`RunConfig::stall_s`].
pub const DEFAULT_STALL_S: u32 = 10;
/// Longest allowed [`RunConfig::stall_s`].
pub const MAX_STALL_S: u32 = 600;

fn default_stall_s() -> u32 {
    DEFAULT_STALL_S
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            // The seed's heavy_func loop, for a quarter second of this machine's time.
            workload: WorkloadKind::Cpu,
            n: WorkloadKind::Cpu.default_size(),
            tasks: 4,
            workers: None,
            models: Model::DEFAULT.to_vec(),
            async_mode: AsyncMode::Cooperative,
            steps: None,
            stall_s: DEFAULT_STALL_S,
            switch_ms: crate::config::DEFAULT_SWITCH_MS,
            chunksize: 1,
            payload: PayloadMode::Copy,
            start: StartMethod::Spawn,
            nested: Nesting::Off,
            repeats: 1,
            warmup: false,
            server: false,
            sweep: false,
        }
    }
}

impl RunConfig {
    /// What a `cpu` experiment's milliseconds are on this machine, for the page (which measured the
    /// loop at `count_per_ms`): `" — here cpu:250 ≈ 75 M iterations of heavy_func (machines
    /// differ tenfold)"`. Empty when the run has no `cpu` steps. The figure is the page thread's.
    pub fn work_here(&self, count_per_ms: u64) -> String {
        let ms: Vec<u64> = self
            .step_groups()
            .iter()
            .flatten()
            .filter(|s| s.kind == WorkloadKind::Cpu)
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

    /// What each task computes.
    pub fn spec(&self) -> WorkloadSpec {
        WorkloadSpec {
            kind: self.workload,
            n: self.n,
        }
    }

    /// The steps task `task` runs.
    pub fn task_steps(&self, task: u32) -> Vec<WorkloadSpec> {
        match &self.steps {
            Some(groups) if !groups.is_empty() => groups[task as usize % groups.len()].clone(),
            _ => vec![self.spec()],
        }
    }

    /// The distinct step lists: task `t` runs `step_groups()[t % len]` (see
    /// [`RunConfig::task_steps`]); one list when every task runs the same. A model that spawns
    /// thousands of tasks shares these instead of making a list per task.
    pub fn step_groups(&self) -> Vec<Vec<WorkloadSpec>> {
        match &self.steps {
            Some(groups) if !groups.is_empty() => groups.clone(),
            _ => vec![vec![self.spec()]],
        }
    }

    /// The answer every task should give, if they all should give the same one.
    pub fn common_expected(&self) -> Option<u64> {
        let first = workloads::expected_of(&self.task_steps(0))?;
        (1..self.tasks)
            .all(|t| workloads::expected_of(&self.task_steps(t)) == Some(first))
            .then_some(first)
    }

    /// Whether any task waits for I/O.
    pub fn has_io(&self) -> bool {
        (0..self.tasks).any(|t| self.task_steps(t).iter().any(|s| s.kind.is_io()))
    }

    /// The batch's estimated work, in count-loop iterations (see `WorkloadSpec::cost`).
    pub fn cost(&self) -> u64 {
        (0..self.tasks)
            .flat_map(|t| self.task_steps(t))
            .fold(0u64, |sum, step| sum.saturating_add(step.cost()))
    }

    /// Workers to use on a machine with `hardware_concurrency` logical cores: the explicit
    /// setting, or one per core but no more than there are tasks.
    pub fn workers_for(&self, hardware_concurrency: u32) -> u32 {
        self.workers
            .unwrap_or_else(|| hardware_concurrency.clamp(1, MAX_WORKERS).min(self.tasks))
            .max(1)
    }

    /// Checks every setting, reporting the first problem.
    ///
    /// # Errors
    /// [`Error::InvalidSetting`] naming the setting and the allowed range.
    pub fn validate(&self) -> Result<()> {
        match &self.steps {
            None => self.spec().validate()?,
            Some(groups) => {
                if groups.is_empty() || groups.iter().any(Vec::is_empty) {
                    return Err(invalid(
                        "steps",
                        "every task needs at least one step".into(),
                    ));
                }
                if groups.len() > 1 && groups.len() != self.tasks as usize {
                    return Err(invalid(
                        "steps",
                        format!("{} task profiles for {} tasks", groups.len(), self.tasks),
                    ));
                }
                if groups.iter().map(Vec::len).sum::<usize>() > MAX_STEPS {
                    return Err(invalid(
                        "steps",
                        format!("at most {MAX_STEPS} steps in all"),
                    ));
                }
                for step in groups.iter().flatten() {
                    step.validate().map_err(|e| match e {
                        Error::InvalidSetting { reason, .. } => invalid(
                            "steps",
                            format!("{}:{} — n {reason}", step.kind.id(), step.n),
                        ),
                        other => other,
                    })?;
                }
            }
        }
        if !(1..=MAX_TASKS).contains(&self.tasks) {
            return Err(invalid(
                "tasks",
                format!("must be between 1 and {MAX_TASKS}"),
            ));
        }
        if let Some(w) = self.workers
            && !(1..=MAX_WORKERS).contains(&w)
        {
            return Err(invalid(
                "workers",
                format!("must be between 1 and {MAX_WORKERS}"),
            ));
        }
        let payload_bytes: u64 = (0..self.tasks)
            .flat_map(|t| self.task_steps(t))
            .filter_map(|s| s.payload_bytes())
            .sum();
        if payload_bytes > crate::workloads::data::MAX_BATCH_BYTES {
            return Err(invalid(
                TOTAL_WORK,
                format!(
                    "the batch's payloads add up to {} MiB, more than the {} MiB a tab may safely hold; lower n or tasks",
                    payload_bytes >> 20,
                    crate::workloads::data::MAX_BATCH_BYTES >> 20
                ),
            ));
        }
        // One message to an isolated worker holds its chunk's payloads twice in the page's memory
        // for a moment (the data and its serialised copy): keep that well inside the 1 GiB.
        let chunk_bytes = (0..self.tasks)
            .collect::<Vec<_>>()
            .chunks(self.chunksize.max(1) as usize)
            .map(|chunk| {
                chunk
                    .iter()
                    .flat_map(|&t| self.task_steps(t))
                    .filter_map(|s| s.payload_bytes())
                    .sum::<u64>()
            })
            .max()
            .unwrap_or(0);
        if chunk_bytes > MAX_MESSAGE_PAYLOAD_BYTES {
            return Err(invalid(
                "chunksize",
                format!(
                    "one message would carry {} MiB of payloads, more than {} MiB; lower chunksize or n",
                    chunk_bytes >> 20,
                    MAX_MESSAGE_PAYLOAD_BYTES >> 20
                ),
            ));
        }
        if self.cost() > MAX_TOTAL_WORK {
            return Err(invalid(
                TOTAL_WORK,
                format!(
                    "the batch is too big: about {:.1} s of work on one core, more than the blocking model may freeze the tab for (~{:.0} s); lower n or tasks",
                    self.cost() as f64 / 3e8,
                    MAX_TOTAL_WORK as f64 / 3e8
                ),
            ));
        }
        if !(1..=MAX_STALL_S).contains(&self.stall_s) {
            return Err(invalid(
                "stall",
                format!("must be between 1 and {MAX_STALL_S} seconds"),
            ));
        }
        if !(1..=crate::config::MAX_SWITCH_MS).contains(&self.switch_ms) {
            return Err(invalid(
                "switch",
                format!(
                    "the GIL's switch interval must be between 1 and {} ms",
                    crate::config::MAX_SWITCH_MS
                ),
            ));
        }
        if !(1..=MAX_REPEATS).contains(&self.repeats) {
            return Err(invalid(
                "repeats",
                format!("must be between 1 and {MAX_REPEATS}"),
            ));
        }
        if !(1..=MAX_CHUNKSIZE).contains(&self.chunksize) {
            return Err(invalid(
                "chunksize",
                format!("must be between 1 and {MAX_CHUNKSIZE} tasks per message"),
            ));
        }
        if self.models.is_empty() {
            return Err(invalid("models", "pick at least one model".to_string()));
        }
        Ok(())
    }
}

/// One change made in the page's controls.
///
/// Edits are applied to the *latest* settings by the page's reducer, so two quick edits (say,
/// typing a size and then a task count before the page re-renders) both land: a control that
/// sent a whole `RunConfig` built from the last render would undo the other's change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Pick a kernel; its size resets to the kernel's default (sizes mean different things).
    Workload(WorkloadKind),
    /// Set the size per task.
    N(u64),
    /// Set the number of tasks.
    Tasks(u32),
    /// Set the worker count (`None` = automatic).
    Workers(Option<u32>),
    /// Include (`true`) or drop a model; the list stays in page order.
    Model(Model, bool),
    /// Set how the async scheduler runs CPU work.
    AsyncMode(AsyncMode),
    /// Drop the custom step profile: tasks run the workload fields again.
    ClearSteps,
    /// Set the simulated GIL's switch interval, ms.
    SwitchMs(u32),
    /// Set the isolated workers' tasks per message.
    Chunksize(u32),
    /// Set how payloads reach the isolated workers.
    Payload(PayloadMode),
    /// Set how the isolated workers start.
    Start(StartMethod),
    /// Set whether pool tasks submit sub-tasks.
    Nested(Nesting),
    /// Set the measured repeats per model.
    Repeats(u32),
    /// Turn the warm-up run on or off.
    Warmup(bool),
    /// Serve the batch as requests on an event loop, with an index request during the load.
    Server(bool),
    /// Turn the scaling sweep on or off.
    Sweep(bool),
}

impl RunConfig {
    /// Applies one edit. Validation is separate ([`RunConfig::validate`]): the page shows an
    /// invalid setting with its message rather than refusing the keystroke.
    pub fn apply(&mut self, edit: Edit) {
        match edit {
            Edit::Workload(kind) => {
                self.workload = kind;
                self.n = kind.default_size();
            }
            Edit::N(n) => self.n = n,
            Edit::Tasks(tasks) => self.tasks = tasks,
            Edit::Workers(workers) => self.workers = workers,
            Edit::AsyncMode(mode) => self.async_mode = mode,
            Edit::ClearSteps => self.steps = None,
            Edit::SwitchMs(ms) => self.switch_ms = ms,
            Edit::Chunksize(k) => self.chunksize = k,
            Edit::Payload(mode) => self.payload = mode,
            Edit::Start(method) => self.start = method,
            Edit::Nested(nesting) => self.nested = nesting,
            Edit::Repeats(n) => self.repeats = n,
            Edit::Warmup(on) => self.warmup = on,
            Edit::Server(on) => self.server = on,
            Edit::Sweep(on) => self.sweep = on,
            Edit::Model(model, on) => {
                self.models.retain(|&m| m != model);
                if on {
                    self.models.push(model);
                    self.models.sort();
                }
            }
        }
    }
}

fn invalid(name: &'static str, reason: String) -> Error {
    Error::InvalidSetting { name, reason }
}

#[cfg(test)]
mod test;
