//! The decision table, built from the user's own runs and set beside the seed's.
//!
//! Seed articles 000 and 001 end in a static table — I/O-bound work wants threads or asyncio,
//! CPU-bound work wants processes, big payloads make processes pay for pickling. The page
//! rebuilds that table from what *this* browser measured: every run is classified by its
//! workload ([`WorkloadClass::of`]), each model's best verified wall time per class is kept,
//! and the fastest model is set beside the seed's advice ([`decision_table`]). Where the two
//! disagree is the interesting part: a browser is not CPython, and the table says so honestly.

use std::borrow::Borrow;

use serde::Serialize;

use crate::config::RunConfig;
use crate::models::Model;
use crate::report::{Results, Status, starved};
use crate::workloads::WorkloadKind;

/// What kind of work a run's tasks did, in the seed's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkloadClass {
    /// Every step is a CPU kernel (count, cpu, primes, mandelbrot, hash).
    CpuBound,
    /// Every step waits (io, fetch).
    IoBound,
    /// Only data steps: the payload's size, not the arithmetic, decides the cost.
    DataHeavy,
    /// Different kinds of work in one batch (CPU kernels and I/O waits, or data steps with
    /// either): the answer depends on their ratio.
    Mixed,
}

impl WorkloadClass {
    /// Every class, in the order the table lists them.
    pub const ALL: [WorkloadClass; 4] = [
        WorkloadClass::CpuBound,
        WorkloadClass::IoBound,
        WorkloadClass::DataHeavy,
        WorkloadClass::Mixed,
    ];

    /// Classifies a run by every step of every task.
    ///
    /// Data steps alone make the run data-heavy; data beside any other kind of step makes it
    /// mixed, since then the payload's cost competes with the other work's. Otherwise all
    /// waits is I/O-bound, all kernels CPU-bound, both mixed.
    pub fn of(config: &RunConfig) -> WorkloadClass {
        let (mut data, mut io, mut cpu) = (false, false, false);
        // At least task 0, so a (never valid) zero-task config still has its workload looked at.
        for task in 0..config.tasks.max(1) {
            for step in config.task_steps(task) {
                match step.kind {
                    WorkloadKind::Data => data = true,
                    kind if kind.is_io() => io = true,
                    _ => cpu = true,
                }
            }
        }
        match (data, io, cpu) {
            (true, false, false) => WorkloadClass::DataHeavy,
            (false, true, false) => WorkloadClass::IoBound,
            (false, false, _) => WorkloadClass::CpuBound,
            _ => WorkloadClass::Mixed,
        }
    }

    /// A short label for the table.
    pub fn label(self) -> &'static str {
        match self {
            WorkloadClass::CpuBound => "CPU-bound",
            WorkloadClass::IoBound => "I/O-bound",
            WorkloadClass::DataHeavy => "Data-heavy",
            WorkloadClass::Mixed => "Mixed CPU + I/O",
        }
    }

    /// The seed articles' static advice for this class (000's decision table, 001's ranking).
    pub fn seed_says(self) -> &'static str {
        match self {
            WorkloadClass::IoBound => "threads or asyncio (the GIL is released while waiting)",
            WorkloadClass::CpuBound => {
                "processes (or free-threaded threads); the GIL serialises threads"
            }
            WorkloadClass::DataHeavy => {
                "beware IPC: pickling big payloads can cost more than the work; threads share \
                 memory, or use shared memory"
            }
            WorkloadClass::Mixed => {
                "depends on the ratio; threads or asyncio if waiting dominates, processes if \
                 computing does, and big payloads still cost IPC"
            }
        }
    }

    /// Whether `winner` is what [`WorkloadClass::seed_says`] recommends: for I/O-bound work the
    /// async scheduler or either thread pool; for CPU-bound work the processes or the
    /// free-threaded pool; for data-heavy work anything but the processes (the advice is a
    /// warning against copying payloads into them). Mixed work has no single recommendation,
    /// so `None`.
    pub fn agrees_with(self, winner: Model) -> Option<bool> {
        match self {
            WorkloadClass::IoBound => Some(matches!(
                winner,
                Model::Async | Model::Pool | Model::PoolGil
            )),
            // Seed 002: the processes × threads hybrid did about as well as the processes.
            WorkloadClass::CpuBound => Some(matches!(
                winner,
                Model::Processes | Model::Pool | Model::Hybrid
            )),
            WorkloadClass::DataHeavy => Some(!winner.is_isolated()),
            WorkloadClass::Mixed => None,
        }
    }
}

/// One row of the decision table: which model won a class of workload on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DecisionRow {
    /// The class of workload.
    pub class: WorkloadClass,
    /// Runs of this class that contributed at least one verified result.
    pub runs: u32,
    /// The model with the lowest best wall time.
    pub winner: Model,
    /// Its best wall time, ms.
    pub winner_ms: f64,
    /// The second fastest model and its best wall time, ms, if another model finished.
    pub runner_up: Option<(Model, f64)>,
    /// `runner_up_ms / winner_ms`: how clear the win was (1.0 is a tie).
    pub margin: Option<f64>,
    /// The seed's advice for the class ([`WorkloadClass::seed_says`]).
    pub seed_says: &'static str,
    /// Whether the winner is what the seed recommends ([`WorkloadClass::agrees_with`]); `None`
    /// for a mixed class, or for CPU-bound work when the models that compute at once got too
    /// little CPU to show it ([`DecisionRow::parallel_cores`]).
    pub agrees: Option<bool>,
    /// CPU-bound work on a machine of several cores: the most cores' worth any run's free
    /// threads or processes got ([`crate::report::ModelResult::cores_offered`]), when that
    /// was below [`crate::report::PARALLEL_CORES`] — something else had the other cores, so the row decides
    /// nothing.
    pub parallel_cores: Option<f64>,
}

/// Builds the decision table from every run so far.
///
/// Only results that finished ([`Status::Ok`]) with every answer verified count — a fast wrong
/// answer or a cancelled run says nothing about a model. A model's time in a class is its best
/// (minimum) over runs, and within a run over its repeats, so one noisy run does not decide a
/// row. Rows come in [`WorkloadClass::ALL`] order, one per class with any counted result; ties
/// go to the model listed first in `Model::ALL`. The page keeps its runs shared (`Rc`), hence
/// any `Borrow<Results>`.
pub fn decision_table<R: Borrow<Results>>(history: &[R]) -> Vec<DecisionRow> {
    WorkloadClass::ALL
        .into_iter()
        .filter_map(|class| row(class, history))
        .collect()
}

/// The row of one class, if any run of that class produced a counted result.
fn row<R: Borrow<Results>>(class: WorkloadClass, history: &[R]) -> Option<DecisionRow> {
    let mut best: Vec<(Model, f64)> = Vec::new();
    let mut runs = 0;
    // The most cores the parallel models got in any run, and the most the machine had.
    let (mut parallel_cores, mut machine_cores): (Option<f64>, u32) = (None, 0);
    for results in history
        .iter()
        .map(Borrow::borrow)
        .filter(|r: &&Results| WorkloadClass::of(&r.config) == class)
    {
        let mut counted = false;
        machine_cores = machine_cores.max(results.environment.hardware_concurrency);
        for result in results
            .models
            .iter()
            .filter(|m| m.status == Status::Ok && m.answer_ok)
        {
            let Some(ms) = std::iter::once(result.wall_ms)
                .chain(result.repeats_ms.iter().copied())
                .filter(|ms| ms.is_finite() && *ms > 0.0)
                .min_by(f64::total_cmp)
            else {
                continue;
            };
            counted = true;
            if matches!(result.model, Model::Pool | Model::Processes)
                && let Some(cores) = result.cores_offered()
            {
                parallel_cores = Some(parallel_cores.map_or(cores, |c: f64| c.max(cores)));
            }
            match best.iter_mut().find(|(model, _)| *model == result.model) {
                Some((_, old)) => *old = old.min(ms),
                None => best.push((result.model, ms)),
            }
        }
        runs += u32::from(counted);
    }
    // Stable on ties: page order decides.
    best.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let (winner, winner_ms) = *best.first()?;
    let runner_up = best.get(1).copied();
    let parallel_cores =
        starved(parallel_cores, machine_cores).filter(|_| class == WorkloadClass::CpuBound);
    Some(DecisionRow {
        class,
        runs,
        winner,
        winner_ms,
        runner_up,
        margin: runner_up.map(|(_, ms)| ms / winner_ms),
        seed_says: class.seed_says(),
        agrees: class
            .agrees_with(winner)
            .filter(|_| parallel_cores.is_none()),
        parallel_cores,
    })
}

#[cfg(test)]
mod test;
