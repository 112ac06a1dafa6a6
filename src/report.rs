//! The results document: what a run measured, as written into `#results-json`.
//!
//! This is the automation contract (see the README): tests and documentation pages read it, so
//! its shape is versioned by [`RESULTS_SCHEMA`] and [`RESULTS_VERSION`]; bump the version on any
//! change a reader could notice.

use serde::{Deserialize, Serialize};

use crate::config::RunConfig;
use crate::core::control::RunControl;
use crate::core::error::Error;
use crate::core::metrics::{Distribution, Heartbeat};
use crate::core::record::TaskRecord;
use crate::core::trace::{Lane, LaneRecord, Segment, State, time_in};
use crate::models::Model;
use crate::models::pool::gil::GilReport;
use crate::models::processes::records::{IpcReport, IsolationProbe};
use crate::models::server::IndexRecord;

pub mod series;

/// The `schema` field of every results document.
pub const RESULTS_SCHEMA: &str = "concurrency-playground/results";
/// The `version` field; bumped when the shape changes.
pub const RESULTS_VERSION: u32 = 5;

/// What the page found out about the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    /// `crossOriginIsolated`: whether SharedArrayBuffer (and so the thread pool) is available.
    pub cross_origin_isolated: bool,
    /// `navigator.hardwareConcurrency`.
    pub hardware_concurrency: u32,
    /// Smallest step of `performance.now()` seen, in ms.
    pub timer_resolution_ms: Option<f64>,
    /// `navigator.userAgent`.
    pub user_agent: String,
    /// The count loop's measured speed on the page's thread, iterations per ms: shown beside
    /// `cpu:n` (ms) steps to say how much work that is here. It sizes nothing: a `cpu` step
    /// times itself.
    #[serde(default)]
    pub count_per_ms: Option<u64>,
}

#[cfg(test)]
impl Results {
    /// A test's document: default settings in `env`, with `models` pushed in order.
    pub(crate) fn of(env: Environment, models: Vec<ModelResult>) -> Results {
        let mut doc = Results::new(env, RunConfig::default(), vec![]);
        for m in models {
            doc.push(m);
        }
        doc
    }
}

#[cfg(test)]
impl Environment {
    /// A test's environment: isolated or not, `cores` cores, nothing measured.
    pub(crate) fn bare(cross_origin_isolated: bool, cores: u32) -> Environment {
        Environment {
            cross_origin_isolated,
            hardware_concurrency: cores,
            timer_resolution_ms: None,
            user_agent: String::new(),
            count_per_ms: None,
        }
    }
}

/// Whether the user's measurement agrees with the article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// `Some(true)`: it does; `Some(false)`: it does not (the text says why); `None`: the runs
    /// could not decide (a model was unavailable or failed).
    pub agrees: Option<bool>,
    /// One or two sentences with the numbers.
    pub text: String,
}

/// A preset run as it goes into the results document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PresetReport {
    /// The preset's URL name (`crate::present::presets::Preset::name`).
    pub name: String,
    /// Whether the quick sizes were used.
    pub quick: bool,
    /// The verdict.
    pub verdict: Verdict,
    /// Each step's label and results, in order (the document itself is the last one's).
    pub steps: Vec<(String, Results)>,
}

/// How a model's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Ran to the end (check `answer_ok` for correctness).
    Ok,
    /// Could not run here (e.g. the pool on a page without cross-origin isolation).
    Unavailable,
    /// Started and failed.
    Error,
    /// Stopped by the user before every task finished.
    Cancelled,
    /// Stopped because its pool deadlocked (a task blocked on a sub-task queued in the same
    /// pool): the expected outcome of the recursive-submit experiment, explained in `message`.
    Deadlocked,
}

/// Summary statistics of one model's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Tasks finished per second of wall time.
    pub throughput_per_s: f64,
    /// Per-task latency (enqueue → result), ms.
    pub latency_ms: Option<Distribution>,
    /// Per lane: the fraction of the wall time spent running tasks.
    pub busy_fraction: Vec<(Lane, f64)>,
    /// The blocking model's wall time over this one's, when both ran in the same batch.
    pub speedup_vs_blocking: Option<f64>,
}

impl Summary {
    fn of(tasks: &[TaskRecord], wall_ms: f64) -> Summary {
        let mut lanes: Vec<Lane> = tasks.iter().map(|t| t.lane).collect();
        lanes.sort();
        lanes.dedup();
        let busy_fraction = lanes
            .into_iter()
            .map(|lane| {
                let run: f64 = tasks
                    .iter()
                    .filter(|t| t.lane == lane)
                    .map(|t| time_in(&t.segments, State::Run))
                    .sum();
                let fraction = if wall_ms > 0.0 { run / wall_ms } else { 0.0 };
                (lane, fraction)
            })
            .collect();
        let latencies: Vec<f64> = tasks.iter().map(TaskRecord::latency_ms).collect();
        Summary {
            throughput_per_s: if wall_ms > 0.0 {
                tasks.len() as f64 / (wall_ms / 1e3)
            } else {
                0.0
            },
            latency_ms: Distribution::of(&latencies),
            busy_fraction,
            speedup_vs_blocking: None,
        }
    }
}

/// Whether a task in `state` keeps its lane's thread from doing anything else. Waiting to run
/// never does; waiting on I/O does everywhere but on the event loop, where a task awaiting a
/// timer or a fetch leaves the thread free (a blocked thread, or the spinning main thread, is
/// not).
fn occupies(model: Model, state: State) -> bool {
    match state {
        State::Ready | State::Idle => false,
        State::WaitIo => model != Model::Async,
        _ => true,
    }
}

/// The segments in which `lane`'s tasks occupied it.
fn lane_busy(tasks: &[TaskRecord], model: Model, lane: Lane) -> Vec<Segment> {
    tasks
        .iter()
        .filter(|t| t.lane == lane)
        .flat_map(|t| {
            t.segments
                .iter()
                .filter(|s| occupies(model, s.state))
                .copied()
        })
        .collect()
}

/// One model's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelResult {
    /// Which model.
    pub model: Model,
    /// How it ended.
    pub status: Status,
    /// Why it was unavailable or failed.
    pub message: Option<String>,
    /// Workers used (pool threads or isolated workers; 1 for the single-threaded models).
    pub workers: u32,
    /// Wall time from submitting the first task to the last result, in ms.
    pub wall_ms: f64,
    /// The answer every task should give, when they all should give the same one.
    pub expected: Option<u64>,
    /// The tasks' common answer, if they all agreed.
    pub answer: Option<u64>,
    /// Every task finished and matched the oracle.
    pub answer_ok: bool,
    /// Distinct lanes (threads / workers) that ran tasks, sorted.
    pub threads_used: Vec<Lane>,
    /// The UI thread's heartbeat during the run.
    pub heartbeat: Heartbeat,
    /// Async model only: how often consecutive slices came from different tasks.
    pub task_switches: Option<u32>,
    /// Isolated workers only: time from `new Worker` to the ready handshake, per worker, ms.
    pub startup_ms: Vec<f64>,
    /// Isolated workers only: the isolation proof.
    pub isolation: Option<IsolationProbe>,
    /// Per-task records.
    pub tasks: Vec<TaskRecord>,
    /// Lane segments that belong to no task (a worker's start-up).
    pub lanes: Vec<LaneRecord>,
    /// Wall times of every measured repeat, ms, in order (warm-up excluded); this result's trace
    /// and tasks are the last repeat's. Empty for a single run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats_ms: Vec<f64>,
    /// Isolated workers: start method, payload passing, chunks and what crossed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipc: Option<IpcReport>,
    /// The thread pool with the GIL: who held the lock when (the GIL-holder lane).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gil: Option<GilReport>,
    /// Server mode: what the event loop did for the index request sent during the load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexRecord>,
    /// Throughput, latency spread, busy fractions, speedup.
    pub summary: Summary,
}

/// Below this many cores' worth of CPU ([`ModelResult::cores_offered`]), lanes that should compute
/// at once cannot show it: on 2 cores beside a program that keeps one busy, the page's lanes got
/// 1.0; a page whose main thread DevTools throttles (and spins) left its pools 1.2–1.5.
pub const PARALLEL_CORES: f64 = 1.15;

/// `offered` cores' worth ([`ModelResult::cores_offered`]) when a machine of `machine_cores`
/// cores gave the lanes fewer than [`PARALLEL_CORES`]: the run cannot show parallel speed-up.
/// (On one core nothing can, and nothing is missing.) The one rule the verdicts and the decision
/// table share.
pub fn starved(offered: Option<f64>, machine_cores: u32) -> Option<f64> {
    offered.filter(|&o| machine_cores >= 2 && o < PARALLEL_CORES)
}

impl ModelResult {
    /// A result for a model that ran its tasks; answer fields are derived from the records.
    pub fn from_tasks(
        model: Model,
        config: &RunConfig,
        wall_ms: f64,
        heartbeat: Heartbeat,
        tasks: Vec<TaskRecord>,
    ) -> ModelResult {
        let answer = match tasks.first() {
            Some(first) if tasks.iter().all(|t| t.answer == first.answer) => Some(first.answer),
            _ => None,
        };
        let mut threads_used: Vec<Lane> = tasks.iter().map(|t| t.lane).collect();
        threads_used.sort();
        threads_used.dedup();
        let summary = Summary::of(&tasks, wall_ms);
        // Each lane is idle wherever none of its tasks occupied it (see `occupies`).
        let lanes = threads_used
            .iter()
            .map(|lane| LaneRecord {
                lane: *lane,
                segments: crate::core::trace::idle_gaps(&lane_busy(&tasks, model, *lane), wall_ms),
            })
            .collect();
        ModelResult {
            model,
            status: Status::Ok,
            message: None,
            workers: 1,
            wall_ms,
            expected: config.common_expected(),
            answer,
            answer_ok: tasks.len() == config.tasks as usize && tasks.iter().all(|t| t.ok),
            threads_used,
            heartbeat,
            task_switches: None,
            startup_ms: Vec::new(),
            isolation: None,
            tasks,
            lanes,
            repeats_ms: Vec::new(),
            ipc: None,
            gil: None,
            index: None,
            summary,
        }
    }

    /// The cores this result's threads or workers got while they computed, from their `cpu`
    /// steps' own clocks: each lane was on a core for `measured / (measured + interrupted)` of
    /// its computing, so the lanes together had that share times their number. `None` without
    /// `cpu` steps. (Meaningful for lanes that may run at once: the free pool, the processes,
    /// the hybrid's workers — whose threads take turns on one thread each, so they count once
    /// per worker.)
    pub fn cores_offered(&self) -> Option<f64> {
        let (mut measured, mut interrupted) = (0.0, 0.0);
        for cpu in self.tasks.iter().filter_map(|t| t.cpu) {
            measured += cpu.measured_ms;
            interrupted += cpu.interrupted_ms;
        }
        let mut threads: Vec<Lane> = self
            .threads_used
            .iter()
            .map(|lane| lane.computing_unit())
            .collect();
        threads.sort();
        threads.dedup();
        let lanes = threads.len() as f64;
        (measured > 0.0).then(|| lanes * measured / (measured + interrupted))
    }

    /// The wall time to compare: the median of the repeats, or the one run's.
    pub fn typical_wall_ms(&self) -> f64 {
        let mut walls = self.repeats_ms.clone();
        walls.sort_by(f64::total_cmp);
        match walls.len() {
            0 => self.wall_ms,
            _ => crate::core::metrics::percentile(&walls, 50.0),
        }
    }

    /// Adds segments that belong to a lane rather than a task (a worker's start-up, a sub-task),
    /// beside those added before, taking them out of that lane's idle time.
    pub fn add_lane_segments(&mut self, lane: Lane, segments: &[Segment]) {
        let index = match self.lanes.iter().position(|l| l.lane == lane) {
            Some(i) => i,
            None => {
                self.lanes.push(LaneRecord {
                    lane,
                    segments: Vec::new(),
                });
                self.lanes.len() - 1
            }
        };
        let record = &mut self.lanes[index];
        // Keep what earlier calls added (e.g. several sub-tasks on one lane); idle is redone.
        let mut own: Vec<Segment> = record
            .segments
            .iter()
            .filter(|s| s.state != State::Idle)
            .copied()
            .collect();
        own.extend_from_slice(segments);
        let mut busy = lane_busy(&self.tasks, self.model, lane);
        busy.extend_from_slice(&own);
        let mut all = own;
        all.extend(crate::core::trace::idle_gaps(&busy, self.wall_ms));
        all.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
        record.segments = all;
    }

    /// Marks the result cancelled (by the user) or failed (stopped by the watchdog) if
    /// `control` says so, with how far it got.
    pub fn stopped_by(mut self, control: &RunControl, total_tasks: u32) -> Self {
        let done = self.tasks.len();
        if control.is_deadlocked() {
            self.status = Status::Deadlocked;
            self.answer_ok = false;
            self.message = Some(format!(
                "{} Stopped after {done} of {total_tasks} tasks.",
                crate::models::pool::nested::DEADLOCK_EXPLANATION
            ));
        } else if control.is_stalled() {
            self.status = Status::Error;
            self.answer_ok = false;
            self.message = Some(format!(
                "Stopped by the watchdog: no progress for too long, after {done} of {total_tasks} tasks."
            ));
        } else if control.is_cancelled() {
            self.status = Status::Cancelled;
            self.answer_ok = false;
            self.message = Some(format!("Cancelled after {done} of {total_tasks} tasks."));
        }
        self
    }

    /// Server mode: what the event loop did for the index request, and its lane (the page's
    /// thread, `main`).
    pub fn add_index(&mut self, served: Option<(IndexRecord, Vec<Segment>)>) {
        if let Some((record, lane)) = served {
            self.add_lane_segments(Lane::Main, &lane);
            self.index = Some(record);
        }
    }

    /// A result for a model that could not run ([`Error::Unavailable`]: status `Unavailable`, its
    /// reason as the message) or failed (any other error: status `Error`). The error is carried
    /// this far whole, and becomes the schema's text here, once.
    pub fn failed(model: Model, config: &RunConfig, error: Error) -> Self {
        let (status, message) = match error {
            // The status already says "unavailable": the message is the reason alone.
            Error::Unavailable(why) => (Status::Unavailable, why),
            other => (Status::Error, other.to_string()),
        };
        ModelResult {
            model,
            status,
            message: Some(message),
            workers: 0,
            wall_ms: 0.0,
            expected: config.common_expected(),
            answer: None,
            answer_ok: false,
            threads_used: Vec::new(),
            heartbeat: Heartbeat::from_beats(&[], 0.0, 0.0),
            task_switches: None,
            startup_ms: Vec::new(),
            isolation: None,
            tasks: Vec::new(),
            lanes: Vec::new(),
            repeats_ms: Vec::new(),
            ipc: None,
            gil: None,
            index: None,
            summary: Summary::of(&[], 0.0),
        }
    }
}

/// The whole results document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Always [`RESULTS_SCHEMA`].
    pub schema: String,
    /// Always [`RESULTS_VERSION`].
    pub version: u32,
    /// The browser's capabilities.
    pub environment: Environment,
    /// The settings of the run.
    pub config: RunConfig,
    /// One entry per model run, in page order.
    pub models: Vec<ModelResult>,
    /// Notices about the input (unknown or malformed URL parameters, fallbacks).
    pub notices: Vec<String>,
    /// A cancelled run: from the Cancel press (or Escape) to the running model having stopped
    /// and returned its partial result, ms — the page's own measure of how fast a cancel lands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_ms: Option<f64>,
    /// A preset's run (`preset=NAME`): its verdict and every step's document (this document is
    /// the last step's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<PresetReport>,
    /// A scaling sweep's points (`sweep=1`): the pooled models at 1…N workers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scaling: Vec<ScalingPoint>,
}

/// One model's wall time at one worker count, in a scaling sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScalingPoint {
    /// The model (`pool_gil`, `pool` or `processes`).
    pub model: Model,
    /// Pool threads / isolated workers.
    pub workers: u32,
    /// The batch's wall time, ms.
    pub wall_ms: f64,
    /// Whether every task verified.
    pub answer_ok: bool,
}

impl Results {
    /// A document for a run with these settings.
    pub fn new(environment: Environment, config: RunConfig, notices: Vec<String>) -> Results {
        Results {
            schema: RESULTS_SCHEMA.to_string(),
            version: RESULTS_VERSION,
            environment,
            config,
            models: Vec::new(),
            notices,
            cancel_ms: None,
            preset: None,
            scaling: Vec::new(),
        }
    }

    /// Adds a model's result, and fills in every speedup against the blocking run of the same
    /// batch (when it ran and finished).
    pub fn push(&mut self, result: ModelResult) {
        self.models.push(result);
        let blocking = self
            .models
            .iter()
            .find(|m| m.model == Model::Blocking && m.status == Status::Ok)
            .map(ModelResult::typical_wall_ms);
        for m in &mut self.models {
            let wall = m.typical_wall_ms();
            m.summary.speedup_vs_blocking = match (blocking, m.status) {
                (Some(base), Status::Ok) if wall > 0.0 => Some(base / wall),
                _ => None,
            };
        }
    }

    /// The document as JSON text, indented for people.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("results are plain data and always serialise")
    }

    /// The document as compact JSON text (the page's `#results-json`; the page indents its
    /// downloads with the browser's `JSON.stringify`, which costs it no wasm).
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).expect("results are plain data and always serialise")
    }
}

#[cfg(test)]
mod test;
