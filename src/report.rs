//! The results document: what a run measured, as written into `#results-json`.
//!
//! This is the automation contract (see the README): tests and documentation pages read it, so
//! its shape is versioned by [`RESULTS_SCHEMA`] and [`RESULTS_VERSION`]; bump the version on any
//! change a reader could notice.

use serde::{Deserialize, Serialize};

use crate::config::RunConfig;
use crate::metrics::Heartbeat;
use crate::models::Model;
use crate::workloads::WorkloadSpec;

/// The `schema` field of every results document.
pub const RESULTS_SCHEMA: &str = "concurrency-playground/results";
/// The `version` field; bumped when the shape changes.
pub const RESULTS_VERSION: u32 = 1;

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
}

/// One task's execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// Task index in the batch.
    pub task: u32,
    /// Where it ran: `main`, `thread 1`, `worker 0`, …
    pub lane: String,
    /// Start, ms since the model's run began.
    pub start_ms: f64,
    /// End, ms since the model's run began.
    pub end_ms: f64,
    /// What the task computed.
    pub answer: u64,
    /// Whether it matched the oracle.
    pub ok: bool,
}

/// Proof that isolated workers share nothing: a value written into one worker's memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsolationProbe {
    /// The value written into worker 0's cell.
    pub written: u64,
    /// What each worker's cell held afterwards (worker 0 first).
    pub worker_reads: Vec<u64>,
    /// What the page's own copy of the cell held afterwards.
    pub page_read: u64,
}

impl IsolationProbe {
    /// True when only worker 0 saw the write.
    pub fn isolated(&self) -> bool {
        self.worker_reads.first() == Some(&self.written)
            && self.worker_reads[1..].iter().all(|&v| v != self.written)
            && self.page_read != self.written
    }
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
    /// The answer every task should give.
    pub expected: u64,
    /// The tasks' common answer, if they all agreed.
    pub answer: Option<u64>,
    /// Every task finished and matched the oracle.
    pub answer_ok: bool,
    /// Distinct lanes (threads / workers) that ran tasks, sorted.
    pub threads_used: Vec<String>,
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
}

impl ModelResult {
    /// A result for a model that ran its tasks; answer fields are derived from the records.
    pub fn from_tasks(
        model: Model,
        spec: &WorkloadSpec,
        wall_ms: f64,
        heartbeat: Heartbeat,
        tasks: Vec<TaskRecord>,
        expected_tasks: u32,
    ) -> ModelResult {
        let answer = match tasks.first() {
            Some(first) if tasks.iter().all(|t| t.answer == first.answer) => Some(first.answer),
            _ => None,
        };
        let mut threads_used: Vec<String> = tasks.iter().map(|t| t.lane.clone()).collect();
        threads_used.sort();
        threads_used.dedup();
        ModelResult {
            model,
            status: Status::Ok,
            message: None,
            workers: 1,
            wall_ms,
            expected: spec.expected().unwrap_or_default(),
            answer,
            answer_ok: tasks.len() == expected_tasks as usize && tasks.iter().all(|t| t.ok),
            threads_used,
            heartbeat,
            task_switches: None,
            startup_ms: Vec::new(),
            isolation: None,
            tasks,
        }
    }

    /// Marks the result cancelled if `cancelled`, saying how far it got.
    pub fn cancelled_if(mut self, cancelled: bool, total_tasks: u32) -> Self {
        if cancelled {
            self.status = Status::Cancelled;
            self.answer_ok = false;
            self.message = Some(format!(
                "Cancelled after {} of {total_tasks} tasks.",
                self.tasks.len()
            ));
        }
        self
    }

    /// A result for a model that did not run (`Unavailable`) or failed (`Error`).
    pub fn failed(model: Model, spec: &WorkloadSpec, status: Status, message: String) -> Self {
        ModelResult {
            model,
            status,
            message: Some(message),
            workers: 0,
            wall_ms: 0.0,
            expected: spec.expected().unwrap_or_default(),
            answer: None,
            answer_ok: false,
            threads_used: Vec::new(),
            heartbeat: Heartbeat {
                beats: 0,
                longest_gap_ms: 0.0,
            },
            task_switches: None,
            startup_ms: Vec::new(),
            isolation: None,
            tasks: Vec::new(),
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
        }
    }

    /// The document as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("results are plain data and always serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workloads::WorkloadKind;

    fn record(task: u32, lane: &str, answer: u64) -> TaskRecord {
        TaskRecord {
            task,
            lane: lane.to_string(),
            start_ms: 0.0,
            end_ms: 1.0,
            answer,
            ok: answer == 25,
        }
    }

    #[test]
    fn answers_and_lanes_are_derived_from_the_records() {
        let spec = WorkloadSpec {
            kind: WorkloadKind::Primes,
            n: 100,
        };
        let hb = Heartbeat {
            beats: 3,
            longest_gap_ms: 4.0,
        };
        let tasks = vec![
            record(0, "thread 1", 25),
            record(1, "thread 0", 25),
            record(2, "thread 1", 25),
        ];
        let r = ModelResult::from_tasks(Model::Pool, &spec, 9.0, hb, tasks, 3);
        assert_eq!(r.answer, Some(25));
        assert!(r.answer_ok);
        assert_eq!(r.threads_used, ["thread 0", "thread 1"]);

        let wrong = vec![record(0, "main", 25), record(1, "main", 24)];
        let r = ModelResult::from_tasks(Model::Blocking, &spec, 9.0, hb, wrong, 2);
        assert_eq!(r.answer, None);
        assert!(!r.answer_ok);

        let missing = vec![record(0, "main", 25)];
        assert!(!ModelResult::from_tasks(Model::Blocking, &spec, 9.0, hb, missing, 2).answer_ok);
    }

    #[test]
    fn isolation_holds_only_when_nobody_else_saw_the_write() {
        let probe = |reads: Vec<u64>, page| IsolationProbe {
            written: 7,
            worker_reads: reads,
            page_read: page,
        };
        assert!(probe(vec![7, 0, 0], 0).isolated());
        assert!(!probe(vec![7, 7], 0).isolated());
        assert!(!probe(vec![7, 0], 7).isolated());
        assert!(!probe(vec![0, 0], 0).isolated());
    }

    #[test]
    fn the_document_carries_schema_and_version() {
        let env = Environment {
            cross_origin_isolated: true,
            hardware_concurrency: 2,
            timer_resolution_ms: Some(0.005),
            user_agent: "test".into(),
        };
        let doc = Results::new(env, RunConfig::default(), vec![]);
        let json: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
        assert_eq!(json["schema"], RESULTS_SCHEMA);
        assert_eq!(json["version"], RESULTS_VERSION);
        assert_eq!(json["config"]["workload"], "count");
        let back: Results = serde_json::from_str(&doc.to_json()).unwrap();
        assert_eq!(back, doc);
    }
}
