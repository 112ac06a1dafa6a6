//! `threads-vs-processes` (seed 000, 001): Threads vs processes vs asyncio, CPU-bound and I/O-bound.

use super::preset::{Preset, PresetStep, Runs, Sizing, config, step, undecided};
use crate::config::RunConfig;
use crate::models::Model;
use crate::report::{ModelResult, Verdict, starved};
use crate::workloads::WorkloadKind;

pub(super) const PRESET: Preset = Preset {
    name: "threads-vs-processes",
    title: "Threads vs processes vs asyncio, CPU-bound and I/O-bound",
    seed: "000, 001",
    claim: "CPU-bound: processes > threads > asyncio. I/O-bound: asyncio ≥ threads > processes.",
    look_for: "Wall time per model in each run; the GIL's wait_gil bars in the CPU run; the workers' start-up in both.",
    plan,
    judge,
};

fn plan(size: Sizing) -> Vec<PresetStep> {
    let cores = size.cores;
    let models = [Model::Async, Model::PoolGil, Model::Pool, Model::Processes];
    vec![
        step(
            "CPU-bound: the count loop",
            RunConfig {
                // In this machine's time: long enough that the work, not the
                // workers' start-up (30–70 ms, 700 in WebKit), decides the ranking.
                workload: WorkloadKind::Cpu,
                n: size.pick(350, 150),
                tasks: 4,
                workers: Some(cores),
                ..config(&models)
            },
        ),
        step(
            "I/O-bound: waits",
            RunConfig {
                workload: WorkloadKind::Io,
                n: size.pick(300, 100),
                tasks: 8,
                workers: Some(8),
                ..config(&models)
            },
        ),
    ]
}

fn judge(runs: &Runs) -> Verdict {
    let order = |step: usize| {
        let mut ms: Vec<(Model, f64)> =
            [Model::Async, Model::PoolGil, Model::Pool, Model::Processes]
                .into_iter()
                .filter_map(|m| Some((m, runs.wall(step, m)?)))
                .collect();
        ms.sort_by(|a, b| a.1.total_cmp(&b.1));
        ms
    };
    let (cpu, io) = (order(0), order(1));
    if cpu.len() < 4 || io.len() < 4 {
        return undecided(
            "All four models must run and verify in both runs (the pools need a cross-origin isolated page).",
        );
    }
    let rank = |ms: &[(Model, f64)]| {
        ms.iter()
            .map(|(m, t)| format!("{} {t:.0} ms", m.info().id))
            .collect::<Vec<_>>()
            .join(" < ")
    };
    if let Some(offered) = starved(
        runs.get(0, Model::Processes)
            .and_then(ModelResult::cores_offered),
        runs[0].environment.hardware_concurrency,
    ) {
        return undecided(&format!(
            "CPU-bound, fastest first: {}. I/O-bound: {}. The processes got only {offered:.1} cores' worth of CPU here (something else is using the others), so on CPU work they could not beat the GIL threads: this run decides nothing. Try again on an idle machine.",
            rank(&cpu),
            rank(&io)
        ));
    }
    let pos = |ms: &[(Model, f64)], m: Model| ms.iter().position(|(x, _)| *x == m).unwrap_or(9);
    // CPU: processes beat the GIL threads, which beat (or tie) asyncio.
    let cpu_ok = pos(&cpu, Model::Processes) < pos(&cpu, Model::PoolGil);
    // I/O: asyncio and threads beat processes.
    let io_ok = pos(&io, Model::Async) < pos(&io, Model::Processes)
        && pos(&io, Model::PoolGil) < pos(&io, Model::Processes);
    Verdict {
        agrees: Some(cpu_ok && io_ok),
        text: format!(
            "CPU-bound, fastest first: {}. I/O-bound: {}. {}",
            rank(&cpu),
            rank(&io),
            match (cpu_ok, io_ok) {
                (true, true) => "The article's rankings hold here.".to_string(),
                (false, _) => "Processes did not beat the GIL threads on CPU work here: with few cores, worker start-up and messages eat the gain (try more tasks or a bigger n).".to_string(),
                (true, false) => "Processes were not last on I/O here.".to_string(),
            }
        ),
    }
}
