//! `tornado-siege` (seed 002): Tornado under siege: 10 CPU-bound requests.

use super::preset::{Preset, PresetStep, Runs, Sizing, config, spec, step, undecided};
use crate::config::{RunConfig, StartMethod};
use crate::core::trace::Lane;
use crate::models::Model;
use crate::report::{ModelResult, Verdict, starved};
use crate::workloads::WorkloadKind;

pub(super) const PRESET: Preset = Preset {
    name: "tornado-siege",
    title: "Tornado under siege: 10 CPU-bound requests",
    seed: "002",
    claim: "A blocking handler serves requests one after another, so response times climb 1T, 2T … 10T and the server cannot even answer / meanwhile; threads with the GIL all finish together near 10T; processes finish in about 10T / P; processes × threads (P Tornado processes, each on a thread pool) finish in groups, one per process, and on average do about as well as the processes.",
    look_for: "Response times: the blocking staircase, the GIL threads' flat top near 10T, the processes' shorter bars, the hybrid's groups (one per worker lane). The last task is the index request sent during the load: its latency says whether the server still answers.",
    plan,
    judge,
};

fn plan(size: Sizing) -> Vec<PresetStep> {
    let cores = size.cores;
    // Ten handlers of T ms of CPU, then the index page (1 ms), all sent at once.
    let t = size.pick(200, 40);
    let mut profiles = vec![vec![spec(WorkloadKind::Cpu, t)]; 10];
    profiles.push(vec![spec(WorkloadKind::Cpu, 1)]);
    let requests = RunConfig {
        steps: Some(profiles),
        tasks: 11,
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
        let mut l: Vec<f64> = r
            .tasks
            .iter()
            .filter(|t| t.task < 10)
            .map(|t| t.latency_ms())
            .collect();
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
    let index = |r: &ModelResult| {
        r.tasks
            .iter()
            .find(|t| t.task == 10)
            .map_or(0.0, |t| t.latency_ms())
    };
    let p = processes.workers.max(1);
    let ratio = processes.wall_ms / blocking.wall_ms;
    // The hybrid: each worker's handlers finish together (one group per process),
    // its wall time near the processes', and the index request answered early.
    let groups: Vec<String> = (0..hybrid.workers.max(1))
        .map(|w| {
            let ends: Vec<f64> = hybrid
                .tasks
                .iter()
                .filter(|t| {
                    t.task < 10
                        && matches!(t.lane, Lane::Worker { worker, thread: Some(_) } if worker == w)
                })
                .map(|t| t.latency_ms())
                .collect();
            let lo = ends.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = ends.iter().copied().fold(0.0, f64::max);
            format!("{} at {lo:.0}–{hi:.0} ms", ends.len())
        })
        .collect();
    let like_processes = hybrid.wall_ms <= 1.5 * processes.wall_ms;
    let answers = index(hybrid) <= 0.25 * hybrid.wall_ms;
    let text = format!(
        "Blocking: response times climb from {:.0} to {:.0} ms ({}); the index request waited {:.0} ms. GIL threads: all finished between {:.0} and {:.0} ms (spread {:.0}% of the mean), the index request {:.0} ms. {p} processes: {:.0} ms in all, {:.2}× the blocking time (ideal 1/{p} = {:.2}). {} processes × threads: handlers finished in groups ({}), {:.0} ms in all ({}), the index request {:.0} ms.",
        ladder.first().unwrap_or(&0.0),
        ladder.last().unwrap_or(&0.0),
        if climbs {
            "a staircase, as the article's siege shows"
        } else {
            "not a clean staircase here"
        },
        index(blocking),
        together.first().unwrap_or(&0.0),
        together.last().unwrap_or(&0.0),
        100.0 * spread / mean.max(1e-9),
        index(gil),
        processes.wall_ms,
        ratio,
        1.0 / f64::from(p),
        hybrid.workers,
        groups.join(", "),
        hybrid.wall_ms,
        if like_processes {
            "about the processes' time, as the article found"
        } else {
            "well behind the processes"
        },
        index(hybrid),
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
        agrees: Some(climbs && flat && ratio < 1.0 && like_processes && answers),
        text,
    }
}
