//! `tornado-siege` (seed 002): Tornado under siege: 10 CPU-bound requests.

use super::preset::{Preset, PresetStep, Runs, Sizing, config, spec, step, undecided};
use crate::config::{RunConfig, StartMethod};
use crate::core::trace::Lane;
use crate::models::Model;
use crate::models::server::IndexRecord;
use crate::report::{ModelResult, Verdict, starved};
use crate::workloads::WorkloadKind;

pub(super) const PRESET: Preset = Preset {
    name: "tornado-siege",
    title: "Tornado under siege: 10 CPU-bound requests",
    seed: "002",
    claim: "A blocking handler serves requests one after another, so response times climb 1T, 2T … 10T and the server cannot even answer / meanwhile; with threads the handlers all finish together near 10T, but the server still answers / during the load (after waiting for the GIL at every step); processes finish in about 10T / P and answer / at once; processes × threads (P Tornado processes, each on a thread pool) finish in groups, one per process, and on average do about as well as the processes.",
    look_for: "The siege output under the table: each response's seconds, and GET / among them — last for blocking, among the handlers for threads, first for processes. The timeline's main lane is the event loop: with the GIL its steps wait (wait_gil) behind the handlers' turns.",
    plan,
    judge,
};

/// What real Tornado does on this machine kind (`tools/siege_check.py`: CPython 3.11.7, 2 cores,
/// T = 200 ms, GET / sent 50 ms into the load).
const CPYTHON: &str = "Real Tornado (CPython 3.11, 2 cores, T = 200 ms, tools/siege_check.py) answered / after 1,859 of 1,911 ms blocking; in 222–593 ms of a 1,589 ms load with threads; in 2–6 ms with processes; in 2–24 ms with processes × threads.";

fn plan(size: Sizing) -> Vec<PresetStep> {
    let cores = size.cores;
    // Ten handlers of T ms of CPU, sent at once, handed by the event loop to the executor; the
    // loop itself answers the index page, requested during the load (server mode).
    let t = size.pick(200, 40);
    let requests = RunConfig {
        steps: Some(vec![vec![spec(WorkloadKind::Cpu, t)]]),
        tasks: 10,
        server: true,
        ..config(&[])
    };
    vec![
        step(
            format!("blocking vs a thread pool of 10 (T = {t} ms)"),
            RunConfig {
                models: vec![Model::Blocking, Model::PoolGil, Model::Pool],
                workers: Some(10),
                ..requests.clone()
            },
        ),
        step(
            format!(
                "{cores} processes, and {cores} processes × threads (each process's share at once, under its own GIL)"
            ),
            RunConfig {
                models: vec![Model::Processes, Model::Hybrid],
                workers: Some(cores),
                start: StartMethod::Warm,
                warmup: true,
                ..requests
            },
        ),
    ]
}

/// The index request of a run that answered it right, and when the run's last handler ended.
fn index_of(r: &ModelResult) -> Option<(&IndexRecord, f64)> {
    let index = r.index.as_ref().filter(|i| i.ok())?;
    Some((index, r.tasks.iter().map(|t| t.end_ms).fold(0.0, f64::max)))
}

fn judge(runs: &Runs) -> Verdict {
    let (Some(blocking), Some(gil), Some(processes), Some(hybrid)) = (
        runs.get(0, Model::Blocking),
        runs.get(0, Model::PoolGil),
        runs.get(1, Model::Processes),
        runs.get(1, Model::Hybrid),
    ) else {
        return undecided(
            "Blocking, the GIL pool, the processes and the hybrid must all run and verify (the pools need a cross-origin isolated page).",
        );
    };
    let handlers = |r: &ModelResult| -> Vec<f64> {
        let mut l: Vec<f64> = r.tasks.iter().map(|t| t.latency_ms()).collect();
        l.sort_by(f64::total_cmp);
        l
    };
    let ladder = handlers(blocking);
    let climbs = ladder.windows(2).all(|w| w[1] > w[0])
        && ladder
            .last()
            .zip(ladder.first())
            .is_some_and(|(max, min)| *max >= 5.0 * min);
    let together = handlers(gil);
    let mean = together.iter().sum::<f64>() / together.len().max(1) as f64;
    let spread = together.last().unwrap_or(&0.0) - together.first().unwrap_or(&0.0);
    let flat = spread <= 0.3 * mean;
    let (Some(blocking_index), Some(gil_index), Some(processes_index), Some(hybrid_index)) = (
        index_of(blocking),
        index_of(gil),
        index_of(processes),
        index_of(hybrid),
    ) else {
        return undecided(
            "Every model must answer the index request (GET /) in server mode: a run without it decides nothing about the siege.",
        );
    };
    // Blocking: the index waits for the backlog (it arrived behind every handler).
    let backlog = blocking_index.1 - blocking_index.0.arrived_ms;
    let waits_backlog = blocking_index.0.latency_ms() >= 0.8 * backlog;
    // GIL threads: during the load, not after it, and only after waiting for the lock.
    let (gil_record, gil_last) = gil_index;
    let during_load = gil_record.answered_ms < gil_last;
    let during = during_load && gil_record.gil_waits > 0;
    // A free loop: within a few ms, at most 5% of the load.
    let free =
        |(index, _): (&IndexRecord, f64), r: &ModelResult| index.latency_ms() <= 0.05 * r.wall_ms;
    let free_threads = runs.get(0, Model::Pool);
    let free_ok = free(processes_index, processes)
        && free(hybrid_index, hybrid)
        && free_threads.is_none_or(|r| index_of(r).is_some_and(|i| free(i, r)));
    let free_text = free_threads
        .and_then(|r| {
            index_of(r).map(|(i, _)| format!(" Free threads: GET / in {:.1} ms.", i.latency_ms()))
        })
        .unwrap_or_default();
    let p = processes.workers.max(1);
    let ratio = processes.wall_ms / blocking.wall_ms;
    // The hybrid: each worker's handlers finish together (one group per process),
    // its wall time near the processes', and the index request answered early.
    let groups: Vec<String> = (0..hybrid.workers.max(1))
        .map(|w| {
            let ends: Vec<f64> = hybrid
                .tasks
                .iter()
                .filter(
                    |t| matches!(t.lane, Lane::Worker { worker, thread: Some(_) } if worker == w),
                )
                .map(|t| t.latency_ms())
                .collect();
            let lo = ends.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = ends.iter().copied().fold(0.0, f64::max);
            format!("{} at {lo:.0}–{hi:.0} ms", ends.len())
        })
        .collect();
    let like_processes = hybrid.wall_ms <= 1.5 * processes.wall_ms;
    let text = format!(
        "Blocking: response times climb from {:.0} to {:.0} ms ({}); GET / came back after {:.0} ms, {:.0}% of the {:.0} ms backlog ahead of it. GIL threads: all finished between {:.0} and {:.0} ms (spread {:.0}% of the mean); GET / came back in {:.0} ms, {} — the loop waited {:.0} ms for the GIL at {} of its steps.{free_text} {p} processes: {:.0} ms in all, {:.2}× the blocking time (ideal 1/{p} = {:.2}); GET / in {:.1} ms. {} processes × threads: handlers finished in groups ({}), {:.0} ms in all ({}); GET / in {:.1} ms. {CPYTHON}",
        ladder.first().unwrap_or(&0.0),
        ladder.last().unwrap_or(&0.0),
        if climbs {
            "a staircase, as the article's siege shows"
        } else {
            "not a clean staircase here"
        },
        blocking_index.0.latency_ms(),
        100.0 * blocking_index.0.latency_ms() / backlog.max(1e-9),
        backlog,
        together.first().unwrap_or(&0.0),
        together.last().unwrap_or(&0.0),
        100.0 * spread / mean.max(1e-9),
        gil_record.latency_ms(),
        if during_load {
            "during the load"
        } else {
            "only after the load"
        },
        gil_record.gil_wait_ms,
        gil_record.gil_waits,
        processes.wall_ms,
        ratio,
        1.0 / f64::from(p),
        processes_index.0.latency_ms(),
        hybrid.workers,
        groups.join(", "),
        hybrid.wall_ms,
        if like_processes {
            "about the processes' time, as the article found"
        } else {
            "well behind the processes"
        },
        hybrid_index.0.latency_ms(),
    );
    // Each of the two ran in its own moment: a program that took the cores during
    // either leaves nothing to compare (the hybrid once took 1.6× the processes' time
    // beside a compiler, with 4× throttling).
    let cores = runs[1].environment.hardware_concurrency;
    for (who, result) in [("processes", processes), ("processes × threads", hybrid)] {
        if let Some(offered) = starved(result.cores_offered(), cores) {
            return undecided(&format!(
                "The {p} {who} got only {offered:.1} cores' worth of CPU here (something else is using the others), so they could not beat one thread: the siege decides nothing about them. Try again on an idle machine. {text}"
            ));
        }
    }
    Verdict {
        agrees: Some(
            climbs && flat && ratio < 1.0 && like_processes && waits_backlog && during && free_ok,
        ),
        text,
    }
}
