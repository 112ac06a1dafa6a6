//! `start-methods` (seed 000): Process start methods: spawn, forkserver, a warm pool.

use super::preset::{Preset, PresetStep, Runs, Sizing, config, step, undecided};
use crate::config::{RunConfig, StartMethod};
use crate::core::metrics::percentile;
use crate::models::Model;
use crate::report::Verdict;
use crate::workloads::WorkloadKind;

pub(super) const PRESET: Preset = Preset {
    name: "start-methods",
    title: "Process start methods: spawn, forkserver, a warm pool",
    seed: "000",
    claim: "Starting a process is expensive (spawn ≈ 170–220 ms, forkserver ≈ 100–150 ms, fork ≈ 5–9 ms in CPython); a pool kept warm starts nothing.",
    look_for: "The start-up bars at the start of each worker lane, and the start-up note beside Python's figures.",
    plan,
    judge,
};

fn plan(size: Sizing) -> Vec<PresetStep> {
    let cores = size.cores;
    let base = RunConfig {
        // A token task: the start-up is what is measured.
        workload: WorkloadKind::Cpu,
        n: 5,
        tasks: cores,
        workers: Some(cores),
        ..config(&[Model::Processes])
    };
    [
        (StartMethod::Spawn, "spawn", false),
        (StartMethod::Forkserver, "forkserver-like", false),
        (StartMethod::Warm, "warm pool", true),
    ]
    .into_iter()
    .map(|(start, label, warmup)| {
        step(
            label,
            RunConfig {
                start,
                warmup,
                ..base.clone()
            },
        )
    })
    .collect()
}

fn judge(runs: &Runs) -> Verdict {
    // Each run's median start-up per worker and the spread of its start-ups.
    let startup = |step: usize| -> Option<(f64, f64)> {
        let r = runs.get(step, Model::Processes)?;
        let ms = sorted(&r.startup_ms);
        Some(match (ms.first(), ms.last()) {
            (Some(lo), Some(hi)) => (percentile(&ms, 50.0), hi - lo),
            _ => (0.0, 0.0),
        })
    };
    let (Some((spawn, spawn_spread)), Some((fork, fork_spread)), Some((warm, _))) =
        (startup(0), startup(1), startup(2))
    else {
        return undecided("The three worker runs must complete.");
    };
    // The claim is the order: a warm pool starts nothing, a prepared parent does not
    // lose to starting from scratch. A browser that caches compiled wasm makes
    // spawn's compile cheap too, so the two may tie: beside a CPU hog they were 49 and
    // 50 ms. A tie is within the start-ups' own spread (at least a tenth).
    let noise = spawn_spread.max(fork_spread).max(0.1 * spawn);
    let order = if fork < spawn {
        ""
    } else if fork <= spawn + noise {
        " The two tie within the start-ups' own spread: compiling once did not help here, because this browser caches compiled wasm, so spawn's compile is cheap on a second start."
    } else {
        " Forkserver-like was slower than spawn beyond the start-ups' own spread — unexpected."
    };
    Verdict {
        agrees: Some(warm < fork.min(spawn) && fork <= spawn + noise),
        text: format!(
            "Median start-up per worker: spawn {spawn:.0} ms (CPython ≈ 170–220 ms), forkserver-like {fork:.0} ms (CPython forkserver ≈ 100–150 ms), warm pool {warm:.0} ms.{order}"
        ),
    }
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}
